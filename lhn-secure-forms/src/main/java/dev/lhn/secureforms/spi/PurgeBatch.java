package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one {@link SubmissionStore#purgeDue} call deleted: the due submissions it could read, with their
 * metadata as it was, and the due rows it could not read (corrupted or tampered), which it deleted too.
 *
 * @param purged the metadata of the submissions purged, as it was at the purge
 * @param damaged the rows purged that could not be decoded, with what was wrong with each
 */
public record PurgeBatch(List<SubmissionMetadata> purged, List<DamagedSubmission> damaged) {
  private static final PurgeBatch EMPTY = new PurgeBatch(List.of(), List.of());

  /**
   * Copies both lists; neither may be null.
   *
   * @param purged the metadata of the submissions purged, as it was at the purge
   * @param damaged the rows purged that could not be decoded, with what was wrong with each
   */
  public PurgeBatch {
    purged = List.copyOf(requireNonNull(purged, "purged"));
    damaged = List.copyOf(requireNonNull(damaged, "damaged"));
  }

  /**
   * A batch of readable submissions only.
   *
   * @param purged the metadata of the submissions purged
   * @return the batch, with no damaged rows
   */
  public static PurgeBatch of(List<SubmissionMetadata> purged) {
    return purged.isEmpty() ? EMPTY : new PurgeBatch(purged, List.of());
  }

  /**
   * Nothing purged.
   *
   * @return the empty batch
   */
  public static PurgeBatch empty() {
    return EMPTY;
  }

  /**
   * How many rows the batch deleted, readable or not: what callers compare with the batch size.
   *
   * @return readable plus damaged rows
   */
  public int size() {
    return purged.size() + damaged.size();
  }
}
