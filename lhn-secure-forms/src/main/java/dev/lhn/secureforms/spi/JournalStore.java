package dev.lhn.secureforms.spi;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.journal.JournalRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The journal side of a store (docs/JOURNAL.md), reachable through {@link SubmissionStore#journal()}. The
 * records of a change are written by the change's own call (see {@link Evidence}) as <em>pending</em>
 * records; a chainer, one at a time across all instances, then gives them chain positions and MACs with
 * {@link #seal}. The compatibility kit turns each sentence below into tests.
 *
 * <ul>
 *   <li>Records are kept as given ({@link JournalRecord#equals}) and listed in insertion order; a pending
 *       record gets its position in that order.
 *   <li>{@link #seal} and {@link #purgeChained} run under one exclusive chain lock that a concurrent caller
 *       does not wait for: it returns -1 at once (a JDBC store locks the chain row with
 *       {@code FOR UPDATE SKIP LOCKED} or {@code NOWAIT}).
 *   <li>Failures are {@link StoreException}s; a method that throws has changed nothing.
 * </ul>
 */
public interface JournalStore {

  /**
   * A thread-safe in-memory journal (and outbox: the returned object also implements {@link Outbox}),
   * holding at most {@code maxRecords} records: for stores kept in memory, such as test doubles.
   *
   * @param maxRecords at least 1
   * @return a new, empty journal
   */
  static JournalStore inMemory(int maxRecords) {
    return new dev.lhn.secureforms.internal.InMemoryJournal(maxRecords);
  }

  /**
   * Writes records and outbox messages that go with no submission change (a denied or failed reveal, a
   * key event, a configuration verdict), atomically: all of them or none.
   *
   * @param evidence what to write
   * @throws StoreException if the store fails or is full; nothing was written
   */
  void append(Evidence evidence);

  /**
   * The records of one submission, pending or chained, oldest first.
   *
   * @param id the submission
   * @param limit at most this many, 1 to 10,000
   * @return the records
   */
  List<JournalRecord> history(SubmissionId id, int limit);

  /**
   * The chain's head, or empty before {@link #createChain}.
   *
   * @return the state
   */
  Optional<ChainState> chainState();

  /**
   * Creates the chain's head if there is none (the first instance wins), and returns the head as stored.
   *
   * @param initial the state to create: count 0
   * @return the stored state: {@code initial}, or the one another instance created first
   */
  ChainState createChain(ChainState initial);

  /**
   * Chains pending records: under the chain lock, reads the head and up to {@code limit} pending records
   * in insertion order, asks {@code sealer} for their MACs, and stores the positions
   * ({@code count + 1, count + 2, ...}), the MACs and the advanced head in one unit of work.
   *
   * @param limit at most this many records, 1 to 10,000
   * @param sealer computes one MAC per record, in order
   * @return how many records were chained, or -1 if another caller holds the chain lock
   * @throws IllegalStateException if there is no chain head yet
   */
  int seal(int limit, ChainSealer sealer);

  /**
   * Chained records with a position above {@code afterPosition}, by position.
   *
   * @param afterPosition 0 for the start
   * @param limit at most this many, 1 to 10,000
   * @return the records
   */
  List<StoredRecord> read(long afterPosition, int limit);

  /**
   * Pending records, oldest (by insertion) first.
   *
   * @param limit at most this many, 1 to 10,000
   * @return the records
   */
  List<StoredRecord> pending(int limit);

  /** {@return how many records are pending} */
  long pendingCount();

  /**
   * Retention: under the chain lock, deletes chained records older than {@code before} from the chain's
   * start (lowest positions first, stopping at the first younger record) and records in the head the
   * position and MAC of the last one deleted, so the rest stays verifiable.
   *
   * @param before records with {@code at} before this go
   * @param batchSize at most this many, 1 to 10,000
   * @return how many were deleted, or -1 if another caller holds the chain lock
   */
  int purgeChained(Instant before, int batchSize);

  /** Computes the MACs of records being chained. */
  @FunctionalInterface
  interface ChainSealer {
    /**
     * @param head the chain head before these records
     * @param pending the records to chain, in order
     * @return one 32-byte MAC per record, in the same order
     */
    List<byte[]> macs(ChainState head, List<StoredRecord> pending);
  }
}
