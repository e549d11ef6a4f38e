package dev.lhn.secureforms.tck;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the submissions the kit stores: valid metadata with fixed times and random envelope bytes. The
 * SPI never sees plaintext, so the kit needs no key and no crypto: an envelope is opaque bytes to a store.
 */
final class SubmissionBuilder {
  private static final AtomicLong CONVERSATIONS = new AtomicLong();

  private SubmissionId id = randomId();
  private String formId = "card-payment";
  private int schemaVersion = 3;
  private String conversationId = "conversation-" + CONVERSATIONS.incrementAndGet();
  private Instant submittedAt;
  private long version;
  private int maxViews = 1;
  private int viewsLeft = 1;
  private Duration revealWindow;
  private Instant expiresAt;
  private Instant purgeAt;
  private Duration purgeAfterConversationEnd;
  private Instant conversationEndedAt;
  private Map<String, RetentionPolicy> fieldRetention = new LinkedHashMap<>();
  private Map<String, String> preview = new LinkedHashMap<>(Map.of("pan", "Visa ****4242"));
  private byte[] envelope;

  private SubmissionBuilder(Instant submittedAt) {
    this.submittedAt = submittedAt;
    this.expiresAt = submittedAt.plus(Duration.ofDays(1));
    this.envelope = randomBytes(200 + ThreadLocalRandom.current().nextInt(200));
  }

  /** A view-once submission made at {@code submittedAt}, due one day later. */
  static SubmissionBuilder submittedAt(Instant submittedAt) {
    return new SubmissionBuilder(submittedAt);
  }

  static SubmissionId randomId() {
    return SubmissionId.fromBytes(randomBytes(SubmissionId.BYTES));
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  SubmissionBuilder id(SubmissionId value) {
    this.id = value;
    return this;
  }

  SubmissionBuilder formId(String value) {
    this.formId = value;
    return this;
  }

  SubmissionBuilder schemaVersion(int value) {
    this.schemaVersion = value;
    return this;
  }

  SubmissionBuilder conversation(String value) {
    this.conversationId = value;
    return this;
  }

  SubmissionBuilder version(long value) {
    this.version = value;
    return this;
  }

  SubmissionBuilder views(int max, int left) {
    this.maxViews = max;
    this.viewsLeft = left;
    return this;
  }

  SubmissionBuilder revealWindow(Duration value) {
    this.revealWindow = value;
    return this;
  }

  /** Sets both the latest deadline and the current one. */
  SubmissionBuilder expiresAt(Instant value) {
    this.expiresAt = value;
    return this;
  }

  /** The current deadline (default: {@code expiresAt}); must not be after {@code expiresAt}. */
  SubmissionBuilder purgeAt(Instant value) {
    this.purgeAt = value;
    return this;
  }

  SubmissionBuilder purgeAfterConversationEnd(Duration value) {
    this.purgeAfterConversationEnd = value;
    return this;
  }

  SubmissionBuilder conversationEndedAt(Instant value) {
    this.conversationEndedAt = value;
    return this;
  }

  SubmissionBuilder fieldRetention(String field, RetentionPolicy rule) {
    this.fieldRetention.put(field, rule);
    return this;
  }

  SubmissionBuilder preview(Map<String, String> value) {
    this.preview = new LinkedHashMap<>(value);
    return this;
  }

  SubmissionBuilder envelope(byte[] value) {
    this.envelope = value.clone();
    return this;
  }

  SubmissionBuilder envelopeSize(int n) {
    this.envelope = randomBytes(n);
    return this;
  }

  SubmissionMetadata metadata() {
    return new SubmissionMetadata(id, formId, schemaVersion, conversationId, submittedAt, version, maxViews,
        viewsLeft, revealWindow, expiresAt, purgeAt == null ? expiresAt : purgeAt, purgeAfterConversationEnd,
        conversationEndedAt, fieldRetention, preview);
  }

  StoredSubmission build() {
    return new StoredSubmission(metadata(), envelope);
  }
}
