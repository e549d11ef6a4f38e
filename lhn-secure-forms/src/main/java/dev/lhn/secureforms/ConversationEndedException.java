package dev.lhn.secureforms;

import java.time.Instant;

/**
 * {@link SecureForms#submit} refused a submission because its conversation had already ended and the
 * form keeps nothing past the end of its conversation (an after-conversation purge of zero, or one that
 * has already passed): nothing was sealed into storage. Tell the visitor the conversation is over.
 * Carries the form and the end time; never a value, never the conversation id.
 */
public class ConversationEndedException extends SecureFormsException {
  private static final long serialVersionUID = 1L;
  /** The form that was submitted. */
  private final String formId;
  /** When the conversation ended. */
  private final Instant endedAt;

  /**
   * A refused submission of {@code formId} into a conversation that ended at {@code endedAt}.
   *
   * @param formId the form that was submitted
   * @param endedAt when the conversation ended
   */
  public ConversationEndedException(String formId, Instant endedAt) {
    super("form '" + formId + "' was submitted after its conversation ended (at " + endedAt
        + "), and the form keeps nothing past that end: nothing was stored");
    this.formId = formId;
    this.endedAt = endedAt;
  }

  /** {@return the form that was submitted} */
  public String formId() {
    return formId;
  }

  /**
   * When the conversation ended.
   *
   * @return the end time the store recorded
   */
  public Instant endedAt() {
    return endedAt;
  }
}
