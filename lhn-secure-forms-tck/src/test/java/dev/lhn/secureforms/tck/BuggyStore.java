package dev.lhn.secureforms.tck;

import dev.lhn.secureforms.DuplicateSubmissionException;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A deliberately simple store (one lock) that can carry one of the bugs real stores have. With no bug it is
 * correct; each bug must make the kit fail, which proves that the kit's assertions can fail.
 */
final class BuggyStore implements SubmissionStore {

  enum Bug {
    NONE,
    FIND_CONSUMES_A_VIEW,
    CLAIM_NOT_ATOMIC,
    CLAIM_TAKES_VIEW_BEFORE_ACTION,
    CLAIM_WRAPS_ACTION_EXCEPTION,
    DUE_ONLY_AFTER_PURGE_AT,
    PURGE_IGNORES_BATCH_SIZE,
    PURGE_TOUCHES_NOT_YET_DUE,
    PURGE_NOT_ATOMIC,
    REPLACE_IGNORES_VERSION,
    REPLACE_INSERTS_ABSENT,
    CONVERSATION_MATCH_IGNORES_CASE,
    DUPLICATE_OVERWRITES,
    ENVELOPE_TRUNCATED_AT_64_KIB,
    COUNT_DOWN_IGNORES_REVEAL_WINDOW,
    FIELD_PURGE_LISTS_DUE_SUBMISSIONS,
    PREVIEW_ORDER_LOST,
    NULL_OFFSET_STORED_AS_ZERO,
    DELETE_RETURNS_INSERTED_METADATA,
    CONVERSATION_LISTS_DELETED,
    CONVERSATION_LISTS_LAST_VIEWED,
    CONVERSATION_LISTS_PURGED,
    END_KEEPS_LATEST,
    ENDED_NEVER_FORGOTTEN,
    CLAIM_WITHOUT_RECORD,
    VIEW_KEPT_WHEN_EVIDENCE_FAILS,
    CURSOR_SKIPS_ITS_OWN_DEADLINE,
  }

  private final Bug bug;
  private final Map<SubmissionId, StoredSubmission> rows = new HashMap<>();
  /** A correct journal; appended under this store's lock, so a change and its records go together. */
  private final dev.lhn.secureforms.spi.JournalStore journal = dev.lhn.secureforms.spi.JournalStore.inMemory(1_000_000);
  private final Map<SubmissionId, SubmissionMetadata> inserted = new HashMap<>();
  /** Rows gone, as they were when they went, by how they went: what a stale conversation index keeps. */
  private final Map<SubmissionId, StoredSubmission> deleted = new HashMap<>();
  private final Map<SubmissionId, StoredSubmission> lastViewed = new HashMap<>();
  private final Map<SubmissionId, StoredSubmission> purged = new HashMap<>();
  /** Ended conversations: id to {ended at, remembered until}. */
  private final Map<String, Instant[]> ended = new HashMap<>();

  BuggyStore(Bug bug) {
    this.bug = bug;
  }

  private boolean due(SubmissionMetadata m, Instant now) {
    return bug == Bug.DUE_ONLY_AFTER_PURGE_AT ? m.purgeAt().isBefore(now) : m.isDue(now);
  }

  @Override
  public dev.lhn.secureforms.spi.JournalStore journal() {
    return journal;
  }

  @Override
  public dev.lhn.secureforms.spi.Outbox outbox() {
    return (dev.lhn.secureforms.spi.Outbox) journal;
  }

  @Override
  public synchronized void insert(StoredSubmission s, dev.lhn.secureforms.spi.Evidence evidence) {
    SubmissionId id = s.metadata().id();
    if (rows.containsKey(id) && bug != Bug.DUPLICATE_OVERWRITES) {
      throw new DuplicateSubmissionException(id);
    }
    journal.append(evidence);
    StoredSubmission kept = s;
    if (bug == Bug.ENVELOPE_TRUNCATED_AT_64_KIB && s.envelopeLength() > 65_536) {
      kept = new StoredSubmission(s.metadata(), Arrays.copyOf(s.envelope(), 65_536));
    }
    if (bug == Bug.PREVIEW_ORDER_LOST) {
      SubmissionMetadata m = s.metadata();
      kept = new StoredSubmission(new SubmissionMetadata(m.id(), m.formId(), m.schemaVersion(), m.conversationId(),
          m.submittedAt(), m.version(), m.maxViews(), m.viewsLeft(), m.revealWindow(), m.expiresAt(), m.purgeAt(),
          m.purgeAfterConversationEnd(), m.conversationEndedAt(), m.fieldRetention(), new TreeMap<>(m.preview())),
          s.envelope());
    }
    if (bug == Bug.NULL_OFFSET_STORED_AS_ZERO && s.metadata().purgeAfterConversationEnd() == null) {
      SubmissionMetadata m = s.metadata();
      kept = new StoredSubmission(new SubmissionMetadata(m.id(), m.formId(), m.schemaVersion(), m.conversationId(),
          m.submittedAt(), m.version(), m.maxViews(), m.viewsLeft(), m.revealWindow(), m.expiresAt(), m.purgeAt(),
          Duration.ZERO, m.conversationEndedAt(), m.fieldRetention(), m.preview()), s.envelope());
    }
    rows.put(id, kept);
    inserted.put(id, kept.metadata());
  }

  @Override
  public synchronized Optional<StoredSubmission> find(SubmissionId id, Instant now) {
    StoredSubmission s = rows.get(id);
    if (s == null || due(s.metadata(), now)) {
      return Optional.empty();
    }
    if (bug == Bug.FIND_CONSUMES_A_VIEW) {
      takeView(s, now);
    }
    return Optional.of(s);
  }

  private void takeView(StoredSubmission s, Instant now) {
    SubmissionMetadata m = s.metadata();
    if (m.viewsLeft() <= 1) {
      rows.remove(m.id());
      lastViewed.put(m.id(), s);
    } else if (bug == Bug.COUNT_DOWN_IGNORES_REVEAL_WINDOW) {
      rows.put(m.id(), s.withMetadata(new SubmissionMetadata(m.id(), m.formId(), m.schemaVersion(),
          m.conversationId(), m.submittedAt(), m.version() + 1, m.maxViews(), m.viewsLeft() - 1, m.revealWindow(),
          m.expiresAt(), m.purgeAt(), m.purgeAfterConversationEnd(), m.conversationEndedAt(), m.fieldRetention(),
          m.preview())));
    } else {
      rows.put(m.id(), s.withMetadata(m.afterView(now)));
    }
  }

  @Override
  public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
      java.util.function.Function<StoredSubmission, dev.lhn.secureforms.spi.Evidence> evidence) {
    if (bug == Bug.CLAIM_NOT_ATOMIC) {
      StoredSubmission s;
      synchronized (this) {
        s = rows.get(id);
        if (s == null || due(s.metadata(), now)) {
          return Optional.empty();
        }
      }
      T r = action.run(s);
      Thread.yield();
      synchronized (this) {
        takeView(s, now);
      }
      return Optional.ofNullable(r);
    }
    synchronized (this) {
      StoredSubmission s = rows.get(id);
      if (s == null || due(s.metadata(), now)) {
        return Optional.empty();
      }
      if (bug == Bug.CLAIM_TAKES_VIEW_BEFORE_ACTION) {
        takeView(s, now);
        return Optional.ofNullable(action.run(s));
      }
      T r;
      try {
        r = action.run(s);
      } catch (RuntimeException e) {
        if (bug == Bug.CLAIM_WRAPS_ACTION_EXCEPTION) {
          throw new StoreException("claim failed");
        }
        throw e;
      }
      if (bug == Bug.VIEW_KEPT_WHEN_EVIDENCE_FAILS) {
        takeView(s, now);
        journal.append(evidence.apply(s));
        return Optional.ofNullable(r);
      }
      if (bug != Bug.CLAIM_WITHOUT_RECORD) {
        journal.append(evidence.apply(s));
      }
      takeView(s, now);
      return Optional.ofNullable(r);
    }
  }

  @Override
  public synchronized List<StoredSubmission> findByConversation(String conversationId, Instant now) {
    List<StoredSubmission> out = new ArrayList<>();
    for (StoredSubmission s : rows.values()) {
      String c = s.metadata().conversationId();
      boolean match = bug == Bug.CONVERSATION_MATCH_IGNORES_CASE
          ? c.trim().equalsIgnoreCase(conversationId.trim())
          : c.equals(conversationId);
      if (match && !due(s.metadata(), now)) {
        out.add(s);
      }
    }
    staleIndex(Bug.CONVERSATION_LISTS_DELETED, deleted, conversationId, now, out);
    staleIndex(Bug.CONVERSATION_LISTS_LAST_VIEWED, lastViewed, conversationId, now, out);
    staleIndex(Bug.CONVERSATION_LISTS_PURGED, purged, conversationId, now, out);
    return out;
  }

  private void staleIndex(Bug which, Map<SubmissionId, StoredSubmission> gone, String conversationId, Instant now,
      List<StoredSubmission> out) {
    if (bug == which) {
      for (StoredSubmission s : gone.values()) {
        if (s.metadata().conversationId().equals(conversationId) && !due(s.metadata(), now)) {
          out.add(s);
        }
      }
    }
  }

  @Override
  public synchronized Instant endConversation(String conversationId, Instant endedAt, Instant rememberUntil) {
    if (rememberUntil.isBefore(endedAt)) {
      throw new IllegalArgumentException("rememberUntil must not be before endedAt");
    }
    Instant[] old = ended.get(conversationId);
    Instant[] now = old == null || bug == Bug.END_KEEPS_LATEST ? new Instant[] {endedAt, rememberUntil}
        : new Instant[] {old[0].isBefore(endedAt) ? old[0] : endedAt,
            old[1].isAfter(rememberUntil) ? old[1] : rememberUntil};
    ended.put(conversationId, now);
    return now[0];
  }

  @Override
  public synchronized Optional<Instant> conversationEndedAt(String conversationId, Instant now) {
    Instant[] e = ended.get(conversationId);
    return e == null || !e[1].isAfter(now) ? Optional.empty() : Optional.of(e[0]);
  }

  @Override
  public synchronized int forgetEndedConversations(Instant now, int batchSize) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 10000, got " + batchSize);
    }
    if (bug == Bug.ENDED_NEVER_FORGOTTEN) {
      return 0;
    }
    int n = 0;
    for (var it = ended.entrySet().iterator(); it.hasNext() && n < batchSize; ) {
      if (!it.next().getValue()[1].isAfter(now)) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized boolean replace(StoredSubmission replacement, long expectedVersion,
      dev.lhn.secureforms.spi.Evidence evidence) {
    if (replacement.metadata().version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1");
    }
    StoredSubmission current = rows.get(replacement.metadata().id());
    if (current == null && bug != Bug.REPLACE_INSERTS_ABSENT) {
      return false;
    }
    if (current != null && current.metadata().version() != expectedVersion && bug != Bug.REPLACE_IGNORES_VERSION) {
      return false;
    }
    journal.append(evidence);
    rows.put(replacement.metadata().id(), replacement);
    return true;
  }

  @Override
  public synchronized Optional<SubmissionMetadata> delete(SubmissionId id,
      java.util.function.Function<SubmissionMetadata, dev.lhn.secureforms.spi.Evidence> evidence) {
    StoredSubmission found = rows.get(id);
    if (found == null) {
      return Optional.empty();
    }
    journal.append(evidence.apply(found.metadata()));
    StoredSubmission s = rows.remove(id);
    deleted.put(id, s);
    return Optional.of(bug == Bug.DELETE_RETURNS_INSERTED_METADATA ? inserted.get(id) : s.metadata());
  }

  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize,
      java.util.function.Function<PurgeBatch, dev.lhn.secureforms.spi.Evidence> evidence) {
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 10000, got " + batchSize);
    }
    int limit = bug == Bug.PURGE_IGNORES_BATCH_SIZE ? Integer.MAX_VALUE : batchSize;
    Instant upTo = bug == Bug.PURGE_TOUCHES_NOT_YET_DUE ? now.plusMillis(1) : now;
    List<SubmissionMetadata> out = new ArrayList<>();
    synchronized (this) {
      java.util.Collection<StoredSubmission> candidates = bug != Bug.CURSOR_SKIPS_ITS_OWN_DEADLINE ? rows.values()
          : rows.values().stream().sorted(java.util.Comparator.comparing(r -> r.metadata().purgeAt())).toList();
      for (StoredSubmission s : candidates) {
        if (out.size() < limit && due(s.metadata(), upTo)) {
          out.add(s.metadata());
        }
      }
      if (bug != Bug.PURGE_NOT_ATOMIC) {
        if (!out.isEmpty()) {
          journal.append(evidence.apply(PurgeBatch.of(out)));
        }
        out.forEach(m -> purged.put(m.id(), rows.remove(m.id())));
        return PurgeBatch.of(out);
      }
    }
    // The window between choosing and deleting: wide enough that four purgers overlap every run (a
    // Thread.yield() here let the kit miss the bug on a quiet machine now and then).
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      out.forEach(m -> purged.put(m.id(), rows.remove(m.id())));
    }
    return PurgeBatch.of(out);
  }

  /** Correct by the SPI's default (the hint ignored), except for a keyset cursor written with > for >=. */
  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize, Instant dueFrom,
      java.util.function.Function<PurgeBatch, dev.lhn.secureforms.spi.Evidence> evidence) {
    if (bug != Bug.CURSOR_SKIPS_ITS_OWN_DEADLINE) {
      return purgeDue(now, batchSize, evidence);
    }
    synchronized (this) {
      List<SubmissionMetadata> out = rows.values().stream().map(StoredSubmission::metadata)
          .filter(m -> due(m, now) && m.purgeAt().isAfter(dueFrom))
          .sorted(java.util.Comparator.comparing(SubmissionMetadata::purgeAt)).limit(batchSize).toList();
      if (!out.isEmpty()) {
        journal.append(evidence.apply(PurgeBatch.of(out)));
      }
      out.forEach(m -> purged.put(m.id(), rows.remove(m.id())));
      return PurgeBatch.of(out);
    }
  }

  @Override
  public synchronized List<StoredSubmission> findFieldPurgeDue(Instant now, int limit) {
    List<StoredSubmission> out = new ArrayList<>();
    for (StoredSubmission s : rows.values()) {
      Instant f = s.metadata().fieldPurgeAt();
      boolean wholeDue = due(s.metadata(), now) && bug != Bug.FIELD_PURGE_LISTS_DUE_SUBMISSIONS;
      if (out.size() < limit && f != null && !f.isAfter(now) && !wholeDue) {
        out.add(s);
      }
    }
    return out;
  }
}
