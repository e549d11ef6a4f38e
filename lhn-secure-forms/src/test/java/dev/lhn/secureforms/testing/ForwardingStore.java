package dev.lhn.secureforms.testing;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that forwards every call; tests override the calls they want to delay, fail or observe. */
public class ForwardingStore implements SubmissionStore {
  protected final SubmissionStore delegate;

  public ForwardingStore(SubmissionStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void insert(StoredSubmission submission) {
    delegate.insert(submission);
  }

  @Override
  public Optional<StoredSubmission> find(SubmissionId id, Instant now) {
    return delegate.find(id, now);
  }

  @Override
  public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action) {
    return delegate.claim(id, now, action);
  }

  @Override
  public List<StoredSubmission> findByConversation(String conversationId, Instant now) {
    return delegate.findByConversation(conversationId, now);
  }

  @Override
  public boolean replace(StoredSubmission replacement, long expectedVersion) {
    return delegate.replace(replacement, expectedVersion);
  }

  @Override
  public Optional<SubmissionMetadata> delete(SubmissionId id) {
    return delegate.delete(id);
  }

  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize) {
    return delegate.purgeDue(now, batchSize);
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
