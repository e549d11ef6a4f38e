package dev.lhn.secureforms;

import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.time.Instant;
import java.util.Map;

/**
 * What an operator may see of a submission without revealing it: masked previews, views left and the
 * purge deadline. Built from stored metadata only; producing it never decrypts and never takes a view.
 *
 * @param id the submission
 * @param formId its form
 * @param schemaVersion the form's version at submit time
 * @param conversationId the host's conversation
 * @param submittedAt when it was submitted
 * @param viewsLeft how many reveals remain
 * @param maxViews how many reveals the form allowed
 * @param purgeAt when the whole submission is due for purge (the earliest deadline known now)
 * @param conversationEndedAt when its conversation ended, or {@code null}
 * @param preview masked previews by field name, in form order, of the fields still revealable
 */
public record SubmissionStatus(
    SubmissionId id,
    String formId,
    int schemaVersion,
    String conversationId,
    Instant submittedAt,
    int viewsLeft,
    int maxViews,
    Instant purgeAt,
    Instant conversationEndedAt,
    Map<String, String> preview) {

  /**
   * Copies {@code preview} into an unmodifiable map that keeps its order.
   *
   * @param id the submission
   * @param formId its form
   * @param schemaVersion the form's version at submit time
   * @param conversationId the host's conversation
   * @param submittedAt when it was submitted
   * @param viewsLeft how many reveals remain
   * @param maxViews how many reveals the form allowed
   * @param purgeAt when the whole submission is due for purge (the earliest deadline known now)
   * @param conversationEndedAt when its conversation ended, or {@code null}
   * @param preview masked previews by field name, in form order, of the fields still revealable
   */
  public SubmissionStatus {
    preview = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(preview));
  }

  /**
   * The status of stored metadata at {@code now}: fields whose own deadline passed are left out.
   *
   * @param m the stored metadata
   * @param now the time to judge deadlines by
   * @return the status
   */
  public static SubmissionStatus of(SubmissionMetadata m, Instant now) {
    java.util.LinkedHashMap<String, String> pv = new java.util.LinkedHashMap<>(m.preview());
    pv.keySet().removeAll(m.fieldsDue(now));
    return new SubmissionStatus(m.id(), m.formId(), m.schemaVersion(), m.conversationId(),
        m.submittedAt(), m.viewsLeft(), m.maxViews(), m.purgeAt(), m.conversationEndedAt(),
        java.util.Collections.unmodifiableMap(pv));
  }
}
