package dev.lhn.secureforms;

import java.time.Instant;

/**
 * What {@link SecureForms#submit} returns: the new submission's id and deadlines. Holds no value; safe to
 * log, to show the visitor and to post to the operator's chat.
 *
 * @param id the submission id, to pass to {@code status}, {@code reveal} and {@code purge}
 * @param formId the form
 * @param conversationId the conversation it belongs to
 * @param submittedAt when it was stored
 * @param purgeAt its deadline: the form's maximum age, moved earlier when the conversation ends
 */
public record SubmissionReceipt(
    SubmissionId id, String formId, String conversationId, Instant submittedAt, Instant purgeAt) {}
