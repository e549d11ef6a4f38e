package dev.lhn.secureforms.spi;

import dev.lhn.secureforms.StoreException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The reading side of the transactional outbox a store writes together with its changes. The webhook relay
 * ({@code lhn-secure-forms-webhooks}) drains it; a host using change data capture on the outbox table may
 * ignore it.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #drain} hands the oldest messages (by creation, then insertion order) to the sink and removes
 *       them only if the sink returns normally; if the sink throws, they stay and the exception propagates
 *       (wrapped in a {@link StoreException} if it is not one).
 *   <li>Safe with several instances: while one caller's sink runs, the messages handed to it are handed to
 *       no other caller (a JDBC store uses {@code FOR UPDATE SKIP LOCKED} or its database's equivalent).
 *   <li>At least once: a crash after the sink returned and before the removal committed hands the same
 *       messages (same ids) again, so sinks must be idempotent on {@link OutboxMessage#id()}.
 * </ul>
 */
public interface Outbox {

  /**
   * Hands up to {@code limit} of the oldest messages to {@code sink} and removes them once it returned.
   *
   * @param limit at most this many messages, at least 1
   * @param sink receives the messages (never an empty list); must be idempotent on message id
   * @return how many messages were handed over and removed (0 when the outbox was empty)
   * @throws StoreException if the outbox cannot be read or the messages cannot be removed
   */
  int drain(int limit, Consumer<List<OutboxMessage>> sink);
}
