package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.retention.PurgeReason;
import dev.lhn.secureforms.retention.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;

/**
 * Everything a store keeps about a submission except its sealed envelope: ids, times, view counts,
 * deadlines and the masked preview. Never a plaintext value. Immutable.
 *
 * <p>Times are instants, truncated to milliseconds by the constructor (stores may keep epoch milliseconds). A submission is
 * <em>due</em> at {@code now} when {@code purgeAt <= now}; a due submission is never found, claimed or
 * shown, whether or not it has been physically purged yet.
 *
 * @param id the submission id
 * @param formId the form's id
 * @param schemaVersion the form's schema version at submit time
 * @param conversationId what the store keeps for the host's conversation: a reference (see
 *     {@link #MAX_CONVERSATION_ID_LENGTH}), 1 to 720 characters
 * @param submittedAt when it was stored
 * @param version the row version, 0 at insert, incremented by every successful claim and replace;
 *     the compare-and-set of {@link SubmissionStore#replace} compares it
 * @param maxViews the views the form allowed at submit time
 * @param viewsLeft views left, 1 to {@code maxViews} (a submission with no view left is deleted)
 * @param revealWindow how long after the first view further views are allowed, or {@code null}
 * @param expiresAt {@code submittedAt} plus the form's maximum age: the latest possible deadline
 * @param purgeAt the current deadline of the whole submission, never after {@code expiresAt}
 * @param purgeAfterConversationEnd the form's offset after the conversation's end, or {@code null}
 * @param conversationEndedAt when the conversation ended, or {@code null} while it goes on
 * @param fieldRetention the fields that have a retention of their own and are still stored
 * @param preview masked previews by field name, in form order, of the fields still stored
 */
public record SubmissionMetadata(
    SubmissionId id,
    String formId,
    int schemaVersion,
    String conversationId,
    Instant submittedAt,
    long version,
    int maxViews,
    int viewsLeft,
    Duration revealWindow,
    Instant expiresAt,
    Instant purgeAt,
    Duration purgeAfterConversationEnd,
    Instant conversationEndedAt,
    Map<String, RetentionPolicy> fieldRetention,
    Map<String, String> preview) {

  /**
   * The longest stored conversation id: the library stores a reference of at most 712 characters (an
   * AES-SIV ciphertext of the host's id of at most 128 characters), never the host's id itself.
   */
  public static final int MAX_CONVERSATION_ID_LENGTH = 720;

  /**
   * Checks every component against the rules above.
   *
   * @param id the submission id
   * @param formId the form's id
   * @param schemaVersion the form's schema version at submit time
   * @param conversationId the host's conversation id (1 to 128 characters)
   * @param submittedAt when it was stored
   * @param version the row version, 0 at insert, incremented by every successful claim and replace; the
   *     compare-and-set of {@link SubmissionStore#replace} compares it
   * @param maxViews the views the form allowed at submit time
   * @param viewsLeft views left, 1 to {@code maxViews} (a submission with no view left is deleted)
   * @param revealWindow how long after the first view further views are allowed, or {@code null}
   * @param expiresAt {@code submittedAt} plus the form's maximum age: the latest possible deadline
   * @param purgeAt the current deadline of the whole submission, never after {@code expiresAt}
   * @param purgeAfterConversationEnd the form's offset after the conversation's end, or {@code null}
   * @param conversationEndedAt when the conversation ended, or {@code null} while it goes on
   * @param fieldRetention the fields that have a retention of their own and are still stored
   * @param preview masked previews by field name, in form order, of the fields still stored
   */
  public SubmissionMetadata {
    requireNonNull(id, "id");
    requireNonNull(formId, "formId");
    requireNonNull(conversationId, "conversationId");
    requireNonNull(submittedAt, "submittedAt");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(purgeAt, "purgeAt");
    requireNonNull(fieldRetention, "fieldRetention");
    requireNonNull(preview, "preview");
    checkConversationId(conversationId);
    // stores keep milliseconds: truncate here so that what goes in comes back equal
    submittedAt = submittedAt.truncatedTo(ChronoUnit.MILLIS);
    expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
    purgeAt = purgeAt.truncatedTo(ChronoUnit.MILLIS);
    conversationEndedAt = conversationEndedAt == null ? null : conversationEndedAt.truncatedTo(ChronoUnit.MILLIS);
    revealWindow = revealWindow == null ? null : Duration.ofMillis(revealWindow.toMillis());
    purgeAfterConversationEnd = purgeAfterConversationEnd == null ? null
        : Duration.ofMillis(purgeAfterConversationEnd.toMillis());
    if (maxViews < 1 || viewsLeft < 1 || viewsLeft > maxViews) {
      throw new IllegalArgumentException(
          "viewsLeft must be 1 to maxViews (" + maxViews + "), got " + viewsLeft);
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative, got " + version);
    }
    if (purgeAt.isAfter(expiresAt)) {
      throw new IllegalArgumentException("purgeAt must not be after expiresAt");
    }
    fieldRetention = Collections.unmodifiableMap(new LinkedHashMap<>(fieldRetention));
    preview = Collections.unmodifiableMap(new LinkedHashMap<>(preview));
  }

  /**
   * Checks a conversation id: 1 to {@value #MAX_CONVERSATION_ID_LENGTH} characters, no control characters.
   *
   * @param conversationId the id to check
   * @return {@code conversationId}, unchanged
   * @throws IllegalArgumentException naming the rule
   */
  public static String checkConversationId(String conversationId) {
    requireNonNull(conversationId, "conversationId");
    if (conversationId.isEmpty() || conversationId.length() > MAX_CONVERSATION_ID_LENGTH) {
      throw new IllegalArgumentException("conversationId must have 1 to " + MAX_CONVERSATION_ID_LENGTH
          + " characters, got " + conversationId.length());
    }
    if (conversationId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("conversationId must not contain control characters");
    }
    return conversationId;
  }

  /**
   * Whether the whole submission is due at {@code now} ({@code purgeAt <= now}).
   *
   * @param now the time to judge by
   * @return {@code true} if due
   */
  public boolean isDue(Instant now) {
    return !purgeAt.isAfter(now);
  }

  /**
   * The deadline of one field with its own retention, or {@code null} if it has none (yet).
   *
   * @param field a field name
   * @return the deadline, or {@code null}
   */
  public Instant fieldDeadline(String field) {
    RetentionPolicy r = fieldRetention.get(field);
    if (r == null) {
      return null;
    }
    Instant d = r.maxAge() == null ? null : submittedAt.plus(r.maxAge());
    if (r.afterConversationEnd() != null && conversationEndedAt != null) {
      Instant c = conversationEndedAt.plus(r.afterConversationEnd());
      d = d == null || c.isBefore(d) ? c : d;
    }
    return d;
  }

  /**
   * The earliest deadline among the fields with their own retention, or {@code null}. Stores index it to
   * answer {@link SubmissionStore#findFieldPurgeDue}.
   *
   * @return the earliest field deadline, or {@code null}
   */
  public Instant fieldPurgeAt() {
    Instant min = null;
    for (String f : fieldRetention.keySet()) {
      Instant d = fieldDeadline(f);
      if (d != null && (min == null || d.isBefore(min))) {
        min = d;
      }
    }
    return min;
  }

  /**
   * The fields whose own deadline has passed at {@code now}: never revealed nor shown, purged soon.
   *
   * @param now the time to judge by
   * @return the due fields' names
   */
  public Set<String> fieldsDue(Instant now) {
    Set<String> due = new TreeSet<>();
    for (String f : fieldRetention.keySet()) {
      Instant d = fieldDeadline(f);
      if (d != null && !d.isAfter(now)) {
        due.add(f);
      }
    }
    return due;
  }

  /**
   * Why the whole submission is (or will be) due at {@link #purgeAt()}.
   *
   * @return the reason
   */
  public PurgeReason dueReason() {
    if (conversationEndedAt != null && purgeAfterConversationEnd != null
        && purgeAt.equals(conversationEndedAt.plus(purgeAfterConversationEnd))) {
      return PurgeReason.CONVERSATION_ENDED;
    }
    if (purgeAt.equals(expiresAt)) {
      return PurgeReason.MAX_AGE;
    }
    return revealWindow != null && viewsLeft < maxViews ? PurgeReason.REVEAL_WINDOW : PurgeReason.MANUAL;
  }

  /**
   * This metadata after one more view was taken at {@code now} (the claim's update; not the last view).
   *
   * @param now when the view was taken
   * @return the new metadata
   */
  public SubmissionMetadata afterView(Instant now) {
    if (viewsLeft <= 1) {
      throw new IllegalStateException("the last view deletes the submission; there is nothing after it");
    }
    Instant p = purgeAt;
    if (revealWindow != null) {
      Instant closes = now.plus(revealWindow);
      p = closes.isBefore(p) ? closes : p;
    }
    return new SubmissionMetadata(id, formId, schemaVersion, conversationId, submittedAt, version + 1,
        maxViews, viewsLeft - 1, revealWindow, expiresAt, p, purgeAfterConversationEnd,
        conversationEndedAt, fieldRetention, preview);
  }

  /**
   * This metadata with the conversation ended at {@code endedAt} and the deadlines moved accordingly.
   *
   * @param endedAt when the conversation ended
   * @return the new metadata
   */
  public SubmissionMetadata withConversationEnded(Instant endedAt) {
    requireNonNull(endedAt, "endedAt");
    Instant ended = conversationEndedAt != null && conversationEndedAt.isBefore(endedAt) ? conversationEndedAt : endedAt;
    Instant p = purgeAt;
    if (purgeAfterConversationEnd != null) {
      Instant c = ended.plus(purgeAfterConversationEnd);
      p = c.isBefore(p) ? c : p;
    }
    return new SubmissionMetadata(id, formId, schemaVersion, conversationId, submittedAt, version + 1,
        maxViews, viewsLeft, revealWindow, expiresAt, p, purgeAfterConversationEnd, ended,
        fieldRetention, preview);
  }

  /**
   * This metadata without the given fields (their rules and previews dropped), version incremented.
   *
   * @param fields the names of the fields to drop
   * @return the new metadata
   */
  public SubmissionMetadata withoutFields(Set<String> fields) {
    Map<String, RetentionPolicy> r = new LinkedHashMap<>(fieldRetention);
    Map<String, String> pv = new LinkedHashMap<>(preview);
    r.keySet().removeAll(fields);
    pv.keySet().removeAll(fields);
    return new SubmissionMetadata(id, formId, schemaVersion, conversationId, submittedAt, version + 1,
        maxViews, viewsLeft, revealWindow, expiresAt, purgeAt, purgeAfterConversationEnd,
        conversationEndedAt, r, pv);
  }

  /**
   * The same metadata at another row version (stores use it when they assign versions).
   *
   * @param newVersion the row version
   * @return the new metadata
   */
  public SubmissionMetadata withVersion(long newVersion) {
    return new SubmissionMetadata(id, formId, schemaVersion, conversationId, submittedAt, newVersion,
        maxViews, viewsLeft, revealWindow, expiresAt, purgeAt, purgeAfterConversationEnd,
        conversationEndedAt, fieldRetention, preview);
  }
}
