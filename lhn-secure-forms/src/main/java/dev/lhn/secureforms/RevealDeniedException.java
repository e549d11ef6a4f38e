package dev.lhn.secureforms;

/**
 * The host's {@link RevealAuthorizer} refused a reveal. Nothing was consumed; the denial is audited as a
 * {@link dev.lhn.secureforms.event.FormEvent.RevealDenied} event.
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

  /** {@return the submission whose reveal was refused} */
  public SubmissionId submissionId() {
    return submissionId;
  }

  /** {@return the operator who was refused} */
  public String operatorId() {
    return operatorId;
  }
}
