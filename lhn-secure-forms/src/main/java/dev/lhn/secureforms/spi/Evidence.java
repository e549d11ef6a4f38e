package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.journal.JournalRecord;
import java.util.List;

/**
 * What a store writes together with a change, in the same transaction (or under the same lock): the
 * journal records of the change and, when the outbox is on, its outbox messages. A store that cannot write
 * them atomically with the change is not a conforming store: if writing them fails, the change is not made
 * and the call throws.
 *
 * @param records the journal records, written as pending (not yet chained) in this order
 * @param outbox the outbox messages, possibly none
 */
public record Evidence(List<JournalRecord> records, List<OutboxMessage> outbox) {
  /** Nothing to write. */
  public static final Evidence NONE = new Evidence(List.of(), List.of());

  /**
   * Copies both lists; neither may be null.
   *
   * @param records the journal records
   * @param outbox the outbox messages
   */
  public Evidence {
    records = List.copyOf(requireNonNull(records, "records"));
    outbox = List.copyOf(requireNonNull(outbox, "outbox"));
  }

  /** {@return whether there is nothing to write} */
  public boolean isEmpty() {
    return records.isEmpty() && outbox.isEmpty();
  }

  /**
   * {@return both evidences, this one's first}
   *
   * @param more what to add
   */
  public Evidence and(Evidence more) {
    if (more.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return more;
    }
    List<JournalRecord> r = new java.util.ArrayList<>(records);
    r.addAll(more.records);
    List<OutboxMessage> o = new java.util.ArrayList<>(outbox);
    o.addAll(more.outbox);
    return new Evidence(r, o);
  }
}
