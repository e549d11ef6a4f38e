package dev.lhn.secureforms.spi;

import dev.lhn.secureforms.DuplicateSubmissionException;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.internal.InMemorySubmissionStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where sealed submissions live. The library ships {@link #inMemory()} and a JDBC store
 * ({@code lhn-secure-forms-jdbc}); integrators may write their own and prove it with the compatibility
 * kit ({@code lhn-secure-forms-tck}), which turns every sentence below into tests.
 *
 * <h2>General contract</h2>
 * <ul>
 *   <li>Thread-safe, and exact when several application instances share the same backing storage: the
 *       storage, not the JVM, arbitrates claims, replaces and purges.
 *   <li>"Due at {@code now}" means {@code metadata.purgeAt() <= now}. {@link #find}, {@link #claim} and
 *       {@link #findByConversation} treat a due submission as absent, whether or not it was purged yet.
 *   <li>Stores persist what they are given and return it equal ({@link StoredSubmission#equals}), with
 *       instants at millisecond precision. They never see plaintext and must never log an envelope.
 *   <li>Failures are {@link StoreException}s whose messages carry no envelope bytes and no bind values.
 *       A method that throws has changed nothing.
 *   <li>{@code now} is always passed in; stores do not read a clock (a JDBC store may be configured to use
 *       the database's clock for {@link #purgeDue} instead).
 * </ul>
 */
public interface SubmissionStore {

  /** A thread-safe in-memory store holding at most 100,000 submissions. */
  static SubmissionStore inMemory() {
    return new InMemorySubmissionStore(100_000);
  }

  /** A thread-safe in-memory store holding at most {@code maxSubmissions} submissions. */
  static SubmissionStore inMemory(int maxSubmissions) {
    return new InMemorySubmissionStore(maxSubmissions);
  }

  /**
   * Stores a new submission, atomically: afterwards it is fully visible or not at all.
   *
   * @throws DuplicateSubmissionException if a submission with this id exists (due or not); the existing
   *     one is unchanged
   * @throws StoreException if the store is full or fails
   */
  void insert(StoredSubmission submission);

  /**
   * The submission, unless it is absent or due at {@code now}. Never changes anything: no view is taken.
   */
  Optional<StoredSubmission> find(SubmissionId id, Instant now);

  /**
   * Takes one view of a submission, exactly once however many callers and instances race for it.
   *
   * <p>Atomically with respect to every other claim, replace, delete and purge of the same id: if the
   * submission exists, is not due at {@code now} and has a view left, the store runs {@code action} with
   * it while holding it exclusively. If the action returns, the store commits the view: the last view
   * ({@code viewsLeft == 1}) deletes the submission; any other replaces its metadata with
   * {@link SubmissionMetadata#afterView(Instant) metadata.afterView(now)} (one view fewer, the version
   * incremented, the reveal window applied). If the action throws, the store changes nothing and
   * rethrows the action's exception unchanged.
   *
   * @return the action's result, or empty if there was nothing to claim (the action was not run)
   */
  <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action);

  /** The submissions of a conversation that are not due at {@code now}, in no particular order. */
  List<StoredSubmission> findByConversation(String conversationId, Instant now);

  /**
   * Compare-and-set: replaces the submission with {@code replacement} if its stored row version is
   * {@code expectedVersion}. Used for per-field purges, conversation ends and key rotation.
   *
   * @param replacement the new state; its {@code metadata().version()} must be {@code expectedVersion + 1}
   * @return {@code true} if replaced; {@code false} if absent or its version differs (nothing changed)
   * @throws IllegalArgumentException if the replacement's version is not {@code expectedVersion + 1}
   */
  boolean replace(StoredSubmission replacement, long expectedVersion);

  /**
   * Deletes a submission now, due or not (an on-demand purge).
   *
   * @return its metadata as it was, or empty if it did not exist
   */
  Optional<SubmissionMetadata> delete(SubmissionId id);

  /**
   * Deletes up to {@code batchSize} submissions due at {@code now}, in one short unit of work, and returns
   * their metadata as it was. Idempotent and safe to run concurrently from several instances: each due
   * submission is deleted and returned by exactly one call, no submission that is not due is touched,
   * and concurrent callers neither block each other for long nor deadlock. Callers loop until fewer
   * than {@code batchSize} come back: a short batch means every submission due at {@code now} was purged
   * or is held by a concurrent call that will purge it.
   *
   * @param batchSize 1 to 10,000
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   */
  List<SubmissionMetadata> purgeDue(Instant now, int batchSize);

  /**
   * Up to {@code limit} submissions, not due as a whole, that hold a field whose own deadline
   * ({@link SubmissionMetadata#fieldPurgeAt()}) has passed at {@code now}. Changes nothing; the library
   * then drops the fields with {@link #replace}.
   *
   * @param limit 1 to 10,000
   * @throws IllegalArgumentException if {@code limit} is outside 1 to 10,000
   */
  List<StoredSubmission> findFieldPurgeDue(Instant now, int limit);
}
