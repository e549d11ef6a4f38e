package dev.lhn.secureforms.spi;

import dev.lhn.secureforms.DuplicateSubmissionException;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.internal.InMemorySubmissionStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

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
 *   <li><b>Damaged rows.</b> A store that decodes what it reads (a database row into a
 *       {@link StoredSubmission}) may find a row it cannot decode: an empty envelope, metadata that breaks
 *       {@link SubmissionMetadata}'s rules, a preview that is not JSON. Such a row is never returned and
 *       never blocks other rows: {@link #find}, {@link #claim} and {@link #delete} of its id throw a
 *       {@link StoreException} naming the id (and change nothing); {@link #findByConversation} and
 *       {@link #findFieldPurgeDue} leave it out and, in the same unit of work, make it due at {@code now}
 *       (quarantine), so that the next {@link #purgeDue} deletes it and reports it in
 *       {@link PurgeBatch#damaged()}; {@link #purgeDue} deletes due damaged rows and reports them.
 *   <li><b>Evidence</b> (the journal, #11): every mutating call takes the journal records and outbox
 *       messages of its change ({@link Evidence}) and writes them atomically with it, in one transaction
 *       (or under one lock): if they cannot be written, the change is not made and the call throws. The
 *       overloads without evidence write none. A store that cannot do this is not a conforming store.
 *   <li>{@code now} is always passed in; stores do not read a clock (a JDBC store may be configured to use
 *       the database's clock for {@link #purgeDue} instead).
 * </ul>
 */
public interface SubmissionStore {

  /**
   * A thread-safe in-memory store holding at most 100,000 submissions.
   *
   * @return a new, empty store
   */
  static SubmissionStore inMemory() {
    return new InMemorySubmissionStore(100_000);
  }

  /**
   * A thread-safe in-memory store holding at most {@code maxSubmissions} submissions.
   *
   * @param maxSubmissions the bound, at least 1
   * @return a new, empty store
   */
  static SubmissionStore inMemory(int maxSubmissions) {
    return new InMemorySubmissionStore(maxSubmissions);
  }

  /**
   * Stores a new submission, atomically: afterwards it is fully visible or not at all.
   *
   * @param submission the submission to store
   * @throws DuplicateSubmissionException if a submission with this id exists (due or not); the existing
   *     one is unchanged
   * @throws StoreException if the store is full or fails
   */
  default void insert(StoredSubmission submission) {
    insert(submission, Evidence.NONE);
  }

  /**
   * Stores a new submission and its evidence in one transaction: afterwards both are fully visible, or
   * neither is (a journal or outbox write that fails fails the insert).
   *
   * @param submission the submission to store
   * @param evidence the journal records and outbox messages of the insert
   * @throws DuplicateSubmissionException if a submission with this id exists (due or not); the existing
   *     one is unchanged and no evidence was written
   * @throws StoreException if the store is full or fails; nothing was written
   */
  void insert(StoredSubmission submission, Evidence evidence);

  /**
   * The journal kept with the submissions: pending records written by the mutating calls, the chain
   * over them, histories (see {@link JournalStore}).
   *
   * @return the journal
   */
  JournalStore journal();

  /**
   * The outbox written with the submissions: what the webhook relay drains.
   *
   * @return the outbox
   */
  Outbox outbox();

  /**
   * The submission, unless it is absent or due at {@code now}. Never changes anything: no view is taken.
   *
   * @param id the submission
   * @param now the time to judge deadlines by
   * @return the submission, or empty
   */
  Optional<StoredSubmission> find(SubmissionId id, Instant now);

  /**
   * Takes one view of a submission, exactly once however many callers and instances race for it.
   *
   * <p>Atomically with respect to every other claim, replace, delete and purge of the same id: if the
   * submission exists, is not due at {@code now} and has a view left, the store runs {@code action} with
   * it, and if the action returns, commits the view: the last view ({@code viewsLeft == 1}) deletes the
   * submission; any other replaces its metadata with
   * {@link SubmissionMetadata#afterView(Instant) metadata.afterView(now)} (one view fewer, the version
   * incremented, the reveal window applied). If the action throws, the store changes nothing and
   * rethrows the action's exception unchanged.
   *
   * <p>A store either holds the submission exclusively while the action runs (a lock), or runs the action
   * on the submission as read and commits the view only if the submission is still at that
   * {@link SubmissionMetadata#version() version} (a compare-and-set): if it is not, the store discards
   * the result (closing it if it is {@link AutoCloseable}) and claims again with the submission as it is
   * now, or returns empty if nothing is left to claim. Either way, a result is returned only for a
   * committed view, and exactly one view is taken per returned result. The JDBC store is optimistic, so
   * that no row lock is held over decryption or a KMS call.
   *
   * @param <T> the action's result type
   * @param id the submission
   * @param now the time to judge deadlines by
   * @param action what to do with the claimed submission
   * @return the action's result, or empty if there was nothing to claim
   */
  default <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action) {
    return claim(id, now, action, claimed -> Evidence.NONE);
  }

  /**
   * {@link #claim(SubmissionId, Instant, ClaimAction)} with evidence: after the action returned, the store
   * asks {@code evidence} (with the submission as claimed) for the records and messages of the view and
   * writes them in the same transaction as the view. If {@code evidence} throws or writing fails, nothing
   * changes and the exception propagates (a write failure as a {@link StoreException}): a view never
   * counts without its record.
   *
   * @param <T> the action's result type
   * @param id the submission
   * @param now the time to judge deadlines by
   * @param action what to do with the claimed submission
   * @param evidence the evidence of the view, given the submission as it was before the view
   * @return the action's result, or empty if there was nothing to claim
   */
  <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
      Function<StoredSubmission, Evidence> evidence);

  /**
   * The submissions of a conversation that are not due at {@code now}, in no particular order: never one
   * that was deleted, purged or claimed for its last view. Rows of the conversation that cannot be
   * decoded are left out and made due at {@code now} (see "Damaged rows" above).
   *
   * @param conversationId the conversation
   * @param now the time to judge deadlines by
   * @return the conversation's submissions
   */
  List<StoredSubmission> findByConversation(String conversationId, Instant now);

  /**
   * Compare-and-set: replaces the submission with {@code replacement} if its stored row version is
   * {@code expectedVersion}. Used for per-field purges, conversation ends and key rotation.
   *
   * @param replacement the new state; its {@code metadata().version()} must be {@code expectedVersion + 1}
   * @param expectedVersion the version the stored row must have
   * @return {@code true} if replaced; {@code false} if absent or its version differs (nothing changed)
   * @throws IllegalArgumentException if the replacement's version is not {@code expectedVersion + 1}
   */
  default boolean replace(StoredSubmission replacement, long expectedVersion) {
    return replace(replacement, expectedVersion, Evidence.NONE);
  }

  /**
   * {@link #replace(StoredSubmission, long)} with evidence, written in the same transaction if (and only
   * if) the submission was replaced.
   *
   * @param replacement the new state; its {@code metadata().version()} must be {@code expectedVersion + 1}
   * @param expectedVersion the version the stored row must have
   * @param evidence the records and messages of the change
   * @return {@code true} if replaced (and the evidence written); {@code false} if nothing changed
   * @throws IllegalArgumentException if the replacement's version is not {@code expectedVersion + 1}
   * @throws StoreException if the store fails; nothing changed
   */
  boolean replace(StoredSubmission replacement, long expectedVersion, Evidence evidence);

  /**
   * Deletes a submission now, due or not (an on-demand purge).
   *
   * @param id the submission
   * @return its metadata as it was, or empty if it did not exist
   * @throws StoreException if the store fails, or the row cannot be decoded (it then stays, for
   *     {@link #purgeDue} to delete and report at its deadline)
   */
  default Optional<SubmissionMetadata> delete(SubmissionId id) {
    return delete(id, gone -> Evidence.NONE);
  }

  /**
   * {@link #delete(SubmissionId)} with evidence: if the submission existed, the store asks
   * {@code evidence} with its metadata and writes the result in the same transaction as the delete.
   *
   * @param id the submission
   * @param evidence the records and messages of the delete, given the metadata as it was
   * @return its metadata as it was, or empty if it did not exist (nothing written)
   * @throws StoreException if the store fails or the row cannot be decoded; nothing changed
   */
  Optional<SubmissionMetadata> delete(SubmissionId id, Function<SubmissionMetadata, Evidence> evidence);

  /**
   * Deletes up to {@code batchSize} submissions due at {@code now}, in one short unit of work, and returns
   * their metadata as it was; due rows it cannot decode are deleted too and returned as
   * {@link PurgeBatch#damaged()}, so that one bad row never stops the purge of the others. If the call
   * throws, nothing was deleted. Idempotent and safe to run concurrently from several instances: each due
   * submission is deleted and returned by exactly one call, no submission that is not due is touched,
   * and concurrent callers neither block each other for long nor deadlock. Callers loop until fewer
   * than {@code batchSize} come back ({@link PurgeBatch#size()}): a short batch means every submission due at {@code now} was purged
   * or is held by a concurrent call that will purge it.
   *
   * @param now the time to judge deadlines by
   * @param batchSize 1 to 10,000
   * @return what was deleted
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   */
  default PurgeBatch purgeDue(Instant now, int batchSize) {
    return purgeDue(now, batchSize, batch -> Evidence.NONE);
  }

  /**
   * {@link #purgeDue(Instant, int)} with evidence: the store asks {@code evidence} with the batch it is
   * deleting and writes the result in the same transaction as the deletes (not asked for an empty batch).
   *
   * @param now the time to judge deadlines by
   * @param batchSize 1 to 10,000
   * @param evidence the records and messages of the purge, given what is deleted
   * @return what was deleted
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   * @throws StoreException if the store fails; nothing was deleted
   */
  PurgeBatch purgeDue(Instant now, int batchSize, Function<PurgeBatch, Evidence> evidence);

  /**
   * {@link #purgeDue(Instant, int, Function)}, continuing a run of batches: the caller has already purged,
   * in this run, what it could of the rows due before {@code dueFrom} (the latest deadline of its previous
   * batch), so the store may start its scan of the deadline index there, as a keyset cursor, instead of
   * walking past the index entries of the rows it has just deleted. Still only rows due at {@code now} are
   * purged; a row due before {@code dueFrom} that is left (another caller held it) is purged by a later
   * run, which starts without a cursor. The default ignores the hint.
   *
   * @param now the time to judge deadlines by
   * @param batchSize 1 to 10,000
   * @param dueFrom where the scan may start: no row due before it needs to be in this batch
   * @param evidence the records and messages of the purge, given what is deleted
   * @return what was deleted
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   */
  default PurgeBatch purgeDue(Instant now, int batchSize, Instant dueFrom, Function<PurgeBatch, Evidence> evidence) {
    Objects.requireNonNull(dueFrom, "dueFrom");
    return purgeDue(now, batchSize, evidence);
  }

  /**
   * Up to {@code limit} submissions, not due as a whole, that hold a field whose own deadline
   * ({@link SubmissionMetadata#fieldPurgeAt()}) has passed at {@code now}. Changes nothing, except that
   * rows it cannot decode are left out and made due at {@code now} (see "Damaged rows" above); the library
   * then drops the fields with {@link #replace}.
   *
   * @param now the time to judge deadlines by
   * @param limit 1 to 10,000
   * @return the submissions, at most {@code limit}
   * @throws IllegalArgumentException if {@code limit} is outside 1 to 10,000
   */
  List<StoredSubmission> findFieldPurgeDue(Instant now, int limit);

  /**
   * Records that a conversation ended at {@code endedAt}, so that submissions made to it afterwards get
   * the rules of its end at once; remembered until {@code rememberUntil}. Idempotent and safe from several
   * instances: a second call keeps the earlier end and the later {@code rememberUntil}. Atomic on its own,
   * and visible to {@link #conversationEndedAt} on every instance once it returns.
   *
   * @param conversationId the conversation
   * @param endedAt when it ended
   * @param rememberUntil until when to remember the end
   * @return the end as recorded now: the earliest {@code endedAt} any call gave
   * @throws IllegalArgumentException if {@code rememberUntil} is before {@code endedAt}
   */
  Instant endConversation(String conversationId, Instant endedAt, Instant rememberUntil);

  /**
   * Inserts a submission unless its conversation has ended: what a submit does in the common case, where
   * the conversation is still open. If {@link #conversationEndedAt conversationEndedAt(conversationId, now)}
   * would report an end, nothing is inserted and no evidence written, and the end is returned: the caller
   * applies the end's rules and calls {@link #insert(StoredSubmission, Evidence)}. Otherwise the submission
   * is inserted with its evidence, as {@code insert} does, and the result is empty. A store may make the
   * check and the insert one statement (the JDBC store does on PostgreSQL); the default checks, then
   * inserts. Either way the caller still looks for an end committed during the insert afterwards.
   *
   * @param submission the submission, whose metadata carries no conversation end
   * @param evidence the records and messages of the submission
   * @param now the time to judge the end's memory by
   * @return empty if inserted; the conversation's end if nothing was
   * @throws DuplicateSubmissionException if the id is taken (nothing changed)
   */
  default Optional<Instant> insertUnlessEnded(StoredSubmission submission, Evidence evidence, Instant now) {
    Optional<Instant> ended = conversationEndedAt(submission.metadata().conversationId(), now);
    if (ended.isPresent()) {
      return ended;
    }
    insert(submission, evidence);
    return Optional.empty();
  }

  /**
   * When a conversation ended, if {@link #endConversation} recorded it and it is still remembered at
   * {@code now} ({@code rememberUntil > now}). Never changes anything.
   *
   * @param conversationId the conversation
   * @param now the time to judge by
   * @return the recorded end, or empty
   */
  Optional<Instant> conversationEndedAt(String conversationId, Instant now);

  /**
   * Forgets up to {@code batchSize} ended conversations no longer remembered at {@code now}
   * ({@code rememberUntil <= now}), in one short unit of work; safe to run from several instances.
   *
   * @param now the time to judge by
   * @param batchSize 1 to 10,000
   * @return how many were forgotten
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   */
  int forgetEndedConversations(Instant now, int batchSize);
}
