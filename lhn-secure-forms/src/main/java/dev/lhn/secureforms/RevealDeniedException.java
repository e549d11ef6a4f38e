package dev.lhn.secureforms;

/**
 * A reveal was refused: the host's {@link RevealAuthorizer} said no, or the form requires a reason for
 * access and the viewer gave none. Nothing was consumed; the denial is journaled (a
 * {@code REVEAL_DENIED} record) and emitted as a {@link dev.lhn.secureforms.event.FormEvent.RevealDenied}
 * event.
 */
public final class RevealDeniedException extends SecureFormsException {
  private static final long serialVersionUID = 1L;
  /** The submission whose reveal was refused. */
  private final SubmissionId submissionId;
  /** The operator who was refused. */
  private final String operatorId;

  /**
   * A reveal of {@code submissionId} that the authorizer refused to {@code operatorId}.
   *
   * @param submissionId the submission
   * @param operatorId the operator who asked
   */
  public RevealDeniedException(SubmissionId submissionId, String operatorId) {
    super("reveal of submission " + submissionId + " denied for operator '" + operatorId + "'");
    this.submissionId = submissionId;
    this.operatorId = operatorId;
  }

  /**
   * A reveal of {@code submissionId} refused to {@code operatorId} by a rule of the library.
   *
   * @param submissionId the submission
   * @param operatorId the operator who asked
   * @param rule the rule that refused it, such as "form 'card-payment' requires a reason for access"
   */
  public RevealDeniedException(SubmissionId submissionId, String operatorId, String rule) {
    super("reveal of submission " + submissionId + " denied for operator '" + operatorId + "': " + rule);
    this.submissionId = submissionId;
    this.operatorId = operatorId;
  }

  /** {@return the submission whose reveal was refused} */
  public SubmissionId submissionId() {
    return submissionId;
  }

  /** {@return the operator who was refused} */
  public String operatorId() {
    return operatorId;
  }
}
