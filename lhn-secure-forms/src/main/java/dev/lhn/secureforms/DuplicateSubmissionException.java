package dev.lhn.secureforms;

/** A store was asked to insert a submission whose id it already holds. Nothing was written. */
public final class DuplicateSubmissionException extends StoreException {
  private static final long serialVersionUID = 1L;

  public DuplicateSubmissionException(SubmissionId id) {
    super("submission " + id + " already exists");
  }
}
