package dev.lhn.secureforms;

/**
 * The host's {@link RevealAuthorizer} refused a reveal. Nothing was consumed; the denial is audited as a
 * {@link dev.lhn.secureforms.event.FormEvent.RevealDenied} event.
 */
public final class RevealDeniedException extends SecureFormsException {
  private static final long serialVersionUID = 1L;
  private final SubmissionId submissionId;
  private final String operatorId;

  public RevealDeniedException(SubmissionId submissionId, String operatorId) {
    super("reveal of submission " + submissionId + " denied for operator '" + operatorId + "'");
    this.submissionId = submissionId;
    this.operatorId = operatorId;
  }

  public SubmissionId submissionId() {
    return submissionId;
  }

  public String operatorId() {
    return operatorId;
  }
}
