package dev.lhn.secureforms.sealed;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.SecureFormsException;

/**
 * A browser-sealed submission was refused before anything was stored, for the {@link #reason()} given. The
 * message names the reason and the form, never a value, a token or a ciphertext. A payload whose values
 * break the form's rules is not this but an {@link dev.lhn.secureforms.InvalidSubmissionException}, and
 * consumes nothing: the visitor may correct and resend.
 */
public final class SealedSubmissionException extends SecureFormsException {
  private static final long serialVersionUID = 1L;

  /** Why a sealed submission was refused. */
  public enum Reason {
    /** The payload is not a sealed payload of this format (bad JSON, missing part, wrong sizes). */
    MALFORMED,
    /** The form request token or the ciphertext was altered, or made with other keys. */
    TAMPERED,
    /** The form request was issued for another form or another version of it. */
    WRONG_FORM,
    /** The form request was issued for another conversation. */
    WRONG_CONVERSATION,
    /**
     * The payload was sealed for another form request of the same form and conversation than the one the
     * host expected ({@code submitSealed} with a request id).
     */
    WRONG_REQUEST,
    /** The form request expired. */
    EXPIRED,
    /** The form request was used already: a replay. */
    REPLAYED,
    /** The payload names a sealing key this deployment never had, or has no more. */
    UNKNOWN_KEY,
    /** The payload names a sealing key that was retired: past its rotation and grace period. */
    RETIRED_KEY
  }

  /** Why it was refused. */
  private final Reason reason;
  /** The form the payload was submitted to. */
  private final String formId;

  /**
   * A refusal.
   *
   * @param reason why
   * @param formId the form the payload was submitted to
   * @param detail plain words for the log; never a value, token or ciphertext
   */
  public SealedSubmissionException(Reason reason, String formId, String detail) {
    super("sealed submission to form '" + requireNonNull(formId, "formId") + "' refused ("
        + requireNonNull(reason, "reason") + "): " + requireNonNull(detail, "detail") + "; nothing was stored");
    this.reason = reason;
    this.formId = formId;
  }

  /** {@return why it was refused} */
  public Reason reason() {
    return reason;
  }

  /** {@return the form the payload was submitted to} */
  public String formId() {
    return formId;
  }
}
