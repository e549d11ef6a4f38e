package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.DuplicateSubmissionException;
import dev.lhn.secureforms.StoreFullException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The in-memory {@link SubmissionStore}: a {@link ConcurrentHashMap} whose per-key atomic operations
 * ({@code compute}) make claims, replaces and purges exact. A claim's action runs inside {@code compute},
 * so an action that throws leaves the mapping untouched. Scans (purge, conversation lookups) are linear,
 * which suits the sizes an in-memory store is for. Evidence is written to the {@link InMemoryJournal} inside
 * the same {@code compute}: if the journal refuses it (full), the lambda throws and the mapping is untouched.
 */
public final class InMemorySubmissionStore implements SubmissionStore {
  private final ConcurrentHashMap<SubmissionId, StoredSubmission> rows = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();
  /** Ended conversations: conversation id to {ended at, remembered until}; arrays are never mutated. */
  private final ConcurrentHashMap<String, Instant[]> endedConversations = new ConcurrentHashMap<>();
  private final int maxSubmissions;
  private final InMemoryJournal journal;

  public InMemorySubmissionStore(int maxSubmissions) {
    this(maxSubmissions, new InMemoryJournal(Math.max(1_000_000, maxSubmissions)));
  }

  /**
   * A store whose journal holds at most {@code journal}'s bound (tests use a small one to see a full journal).
   *
   * @param maxSubmissions the bound of submissions
   * @param journal the journal and outbox
   */
  public InMemorySubmissionStore(int maxSubmissions, InMemoryJournal journal) {
    if (maxSubmissions < 1) {
      throw new IllegalArgumentException("maxSubmissions must be positive, got " + maxSubmissions);
    }
    this.maxSubmissions = maxSubmissions;
    this.journal = requireNonNull(journal, "journal");
  }

  @Override
  public JournalStore journal() {
    return journal;
  }

  @Override
  public Outbox outbox() {
    return journal;
  }

  @Override
  public void insert(StoredSubmission submission, Evidence evidence) {
    requireNonNull(submission, "submission");
    requireNonNull(evidence, "evidence");
    SubmissionId id = submission.metadata().id();
    if (rows.containsKey(id)) {
      throw new DuplicateSubmissionException(id);
    }
    if (count.incrementAndGet() > maxSubmissions) {
      count.decrementAndGet();
      throw new StoreFullException("in-memory store is full: it holds at most " + maxSubmissions
          + " submissions (SubmissionStore.inMemory(maxSubmissions))");
    }
    boolean[] inserted = new boolean[1];
    try {
      rows.compute(id, (k, old) -> {
        if (old != null) {
          return old;
        }
        journal.write(evidence);
        inserted[0] = true;
        return submission;
      });
    } finally {
      if (!inserted[0]) {
        count.decrementAndGet();
      }
    }
    if (!inserted[0]) {
      throw new DuplicateSubmissionException(id);
    }
  }

  @Override
  public Optional<StoredSubmission> find(SubmissionId id, Instant now) {
    requireNonNull(id, "id");
    requireNonNull(now, "now");
    StoredSubmission s = rows.get(id);
    return s == null || s.metadata().isDue(now) ? Optional.empty() : Optional.of(s);
  }

  @Override
  public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
      Function<StoredSubmission, Evidence> evidence) {
    requireNonNull(id, "id");
    requireNonNull(now, "now");
    requireNonNull(action, "action");
    requireNonNull(evidence, "evidence");
    Object[] result = new Object[1];
    boolean[] claimed = new boolean[1];
    rows.computeIfPresent(id, (k, s) -> {
      if (s.metadata().isDue(now)) {
        return s;
      }
      Object r = requireNonNull(action.run(s), "the claim action returned null");
      journal.write(requireNonNull(evidence.apply(s), "the claim's evidence"));
      result[0] = r;
      claimed[0] = true;
      if (s.metadata().viewsLeft() <= 1) {
        count.decrementAndGet();
        return null;
      }
      return s.withMetadata(s.metadata().afterView(now));
    });
    @SuppressWarnings("unchecked")
    T t = (T) result[0];
    return claimed[0] ? Optional.of(t) : Optional.empty();
  }

  @Override
  public List<StoredSubmission> findByConversation(String conversationId, Instant now) {
    requireNonNull(conversationId, "conversationId");
    requireNonNull(now, "now");
    List<StoredSubmission> out = new ArrayList<>();
    for (StoredSubmission s : rows.values()) {
      if (s.metadata().conversationId().equals(conversationId) && !s.metadata().isDue(now)) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public boolean replace(StoredSubmission replacement, long expectedVersion, Evidence evidence) {
    requireNonNull(replacement, "replacement");
    requireNonNull(evidence, "evidence");
    if (replacement.metadata().version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1 ("
          + (expectedVersion + 1) + "), got " + replacement.metadata().version());
    }
    boolean[] done = new boolean[1];
    rows.computeIfPresent(replacement.metadata().id(), (k, s) -> {
      if (s.metadata().version() != expectedVersion) {
        return s;
      }
      journal.write(evidence);
      done[0] = true;
      return replacement;
    });
    return done[0];
  }

  @Override
  public Optional<SubmissionMetadata> delete(SubmissionId id, Function<SubmissionMetadata, Evidence> evidence) {
    requireNonNull(id, "id");
    requireNonNull(evidence, "evidence");
    SubmissionMetadata[] gone = new SubmissionMetadata[1];
    rows.computeIfPresent(id, (k, s) -> {
      journal.write(requireNonNull(evidence.apply(s.metadata()), "the delete's evidence"));
      gone[0] = s.metadata();
      return null;
    });
    if (gone[0] == null) {
      return Optional.empty();
    }
    count.decrementAndGet();
    return Optional.of(gone[0]);
  }

  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize, Function<PurgeBatch, Evidence> evidence) {
    requireNonNull(now, "now");
    requireNonNull(evidence, "evidence");
    checkBatch(batchSize);
    List<SubmissionMetadata> purged = new ArrayList<>();
    // Row by row, each row's delete with its own evidence under that row's atomic operation: a journal
    // that refuses stops the batch there (the rows purged so far, each with its record, are returned; an
    // empty batch rethrows), and the next run goes on.
    for (SubmissionId id : rows.keySet()) {
      if (purged.size() == batchSize) {
        break;
      }
      try {
        purgeOne(id, now, evidence, purged);
      } catch (RuntimeException e) {
        if (purged.isEmpty()) {
          throw e;
        }
        break;
      }
    }
    return PurgeBatch.of(purged);
  }

  private void purgeOne(SubmissionId id, Instant now, Function<PurgeBatch, Evidence> evidence,
      List<SubmissionMetadata> purged) {
    {
      rows.computeIfPresent(id, (k, s) -> {
        if (s.metadata().isDue(now)) {
          journal.write(requireNonNull(evidence.apply(PurgeBatch.of(List.of(s.metadata()))), "the purge's evidence"));
          purged.add(s.metadata());
          count.decrementAndGet();
          return null;
        }
        return s;
      });
    }
  }

  @Override
  public List<StoredSubmission> findFieldPurgeDue(Instant now, int limit) {
    requireNonNull(now, "now");
    checkBatch(limit);
    List<StoredSubmission> out = new ArrayList<>();
    for (StoredSubmission s : rows.values()) {
      if (out.size() == limit) {
        break;
      }
      Instant f = s.metadata().fieldPurgeAt();
      if (f != null && !f.isAfter(now) && !s.metadata().isDue(now)) {
        out.add(s);
      }
    }
    return out;
  }

  @Override
  public Instant endConversation(String conversationId, Instant endedAt, Instant rememberUntil) {
    SubmissionMetadata.checkConversationId(conversationId);
    requireNonNull(endedAt, "endedAt");
    requireNonNull(rememberUntil, "rememberUntil");
    if (rememberUntil.isBefore(endedAt)) {
      throw new IllegalArgumentException("rememberUntil must not be before endedAt");
    }
    if (endedConversations.size() >= maxSubmissions && !endedConversations.containsKey(conversationId)) {
      // Bounded memory, and a conversation's end must never fail for it: forget the end remembered for
      // the shortest time left (the late-submission rule then lapses for that one conversation only).
      endedConversations.entrySet().stream().min((a, b) -> a.getValue()[1].compareTo(b.getValue()[1]))
          .ifPresent(e -> endedConversations.remove(e.getKey(), e.getValue()));
    }
    Instant ended = endedAt.truncatedTo(ChronoUnit.MILLIS);
    Instant until = rememberUntil.truncatedTo(ChronoUnit.MILLIS);
    return endedConversations.merge(conversationId, new Instant[] {ended, until},
        (old, add) -> new Instant[] {
            old[0].isBefore(add[0]) ? old[0] : add[0], old[1].isAfter(add[1]) ? old[1] : add[1]})[0];
  }

  @Override
  public Optional<Instant> conversationEndedAt(String conversationId, Instant now) {
    requireNonNull(conversationId, "conversationId");
    requireNonNull(now, "now");
    Instant[] e = endedConversations.get(conversationId);
    return e == null || !e[1].isAfter(now) ? Optional.empty() : Optional.of(e[0]);
  }

  @Override
  public int forgetEndedConversations(Instant now, int batchSize) {
    requireNonNull(now, "now");
    checkBatch(batchSize);
    int forgotten = 0;
    for (Map.Entry<String, Instant[]> e : endedConversations.entrySet()) {
      if (forgotten == batchSize) {
        break;
      }
      if (!e.getValue()[1].isAfter(now) && endedConversations.remove(e.getKey(), e.getValue())) {
        forgotten++;
      }
    }
    return forgotten;
  }

  static void checkBatch(int batchSize) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 10000, got " + batchSize);
    }
  }

  @Override
  public String toString() {
    return "InMemorySubmissionStore[" + count.get() + "/" + maxSubmissions + "]";
  }
}
