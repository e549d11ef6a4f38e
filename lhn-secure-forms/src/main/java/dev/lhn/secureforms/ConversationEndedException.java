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
  private final String formId;
  private final Instant endedAt;

  public ConversationEndedException(String formId, Instant endedAt) {
    super("form '" + formId + "' was submitted after its conversation ended (at " + endedAt
        + "), and the form keeps nothing past that end: nothing was stored");
    this.formId = formId;
    this.endedAt = endedAt;
  }

  /** The form that was submitted. */
  public String formId() {
    return formId;
  }

  /** When the conversation ended. */
  public Instant endedAt() {
    return endedAt;
  }
}
