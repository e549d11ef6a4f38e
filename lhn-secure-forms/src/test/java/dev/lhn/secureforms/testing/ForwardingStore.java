package dev.lhn.secureforms.testing;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.Outbox;
import java.time.Instant;
import java.util.function.Function;
import java.util.List;
import java.util.Optional;

/** A store that forwards every call; tests override the calls they want to delay, fail or observe. */
public class ForwardingStore implements SubmissionStore {
  protected final SubmissionStore delegate;

  public ForwardingStore(SubmissionStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void insert(StoredSubmission submission, Evidence evidence) {
    delegate.insert(submission, evidence);
  }

  @Override
  public JournalStore journal() {
    return delegate.journal();
  }

  @Override
  public Outbox outbox() {
    return delegate.outbox();
  }

  @Override
  public Optional<StoredSubmission> find(SubmissionId id, Instant now) {
    return delegate.find(id, now);
  }

  @Override
  public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
      Function<StoredSubmission, Evidence> evidence) {
    return delegate.claim(id, now, action, evidence);
  }

  @Override
  public List<StoredSubmission> findByConversation(String conversationId, Instant now) {
    return delegate.findByConversation(conversationId, now);
  }

  @Override
  public boolean replace(StoredSubmission replacement, long expectedVersion, Evidence evidence) {
    return delegate.replace(replacement, expectedVersion, evidence);
  }

  @Override
  public Optional<SubmissionMetadata> delete(SubmissionId id, Function<SubmissionMetadata, Evidence> evidence) {
    return delegate.delete(id, evidence);
  }

  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize, Function<PurgeBatch, Evidence> evidence) {
    return delegate.purgeDue(now, batchSize, evidence);
  }

  @Override
  public List<StoredSubmission> findFieldPurgeDue(Instant now, int limit) {
    return delegate.findFieldPurgeDue(now, limit);
  }

  @Override
  public Instant endConversation(String conversationId, Instant endedAt, Instant rememberUntil) {
    return delegate.endConversation(conversationId, endedAt, rememberUntil);
  }

  @Override
  public Optional<Instant> conversationEndedAt(String conversationId, Instant now) {
    return delegate.conversationEndedAt(conversationId, now);
  }

  @Override
  public int forgetEndedConversations(Instant now, int batchSize) {
    return delegate.forgetEndedConversations(now, batchSize);
  }
}
