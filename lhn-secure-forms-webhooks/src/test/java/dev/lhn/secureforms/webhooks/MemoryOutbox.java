package dev.lhn.secureforms.webhooks;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** An {@link Outbox} in memory that honours the contract: removes only after the sink returned. */
final class MemoryOutbox implements Outbox {
  private final List<OutboxMessage> messages = new ArrayList<>();
  private boolean busy;
  private boolean crashBeforeRemovalOnce;

  /** The next drain runs its sink and then fails before removing anything, as a crash would. */
  synchronized void crashBeforeRemovalOnce() {
    crashBeforeRemovalOnce = true;
  }

  synchronized OutboxMessage add(String type, String payload, Instant at) {
    OutboxMessage m = new OutboxMessage(UUID.randomUUID(), "submission", "s-" + messages.size(), type, payload, at);
    messages.add(m);
    return m;
  }

  synchronized int size() {
    return messages.size();
  }

  @Override
  public synchronized int drain(int limit, Consumer<List<OutboxMessage>> sink) {
    if (busy || messages.isEmpty()) {
      return 0;
    }
    List<OutboxMessage> batch = List.copyOf(messages.subList(0, Math.min(limit, messages.size())));
    busy = true;
    try {
      sink.accept(batch);
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreException("sink failed: " + e.getClass().getSimpleName());
    } finally {
      busy = false;
    }
    if (crashBeforeRemovalOnce) {
      crashBeforeRemovalOnce = false;
      throw new StoreException("simulated crash before the outbox rows were removed");
    }
    messages.subList(0, batch.size()).clear();
    return batch.size();
  }
}
