package dev.lhn.secureforms;

/** A store was asked to insert a submission whose id it already holds. Nothing was written. */
public final class DuplicateSubmissionException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * An insert of an id the store already holds.
   *
   * @param id the duplicate id
   */
  public DuplicateSubmissionException(SubmissionId id) {
    super("submission " + id + " already exists");
  }
}
