package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.SubmissionId;

/**
 * A stored row that a store could not turn back into a {@link StoredSubmission}: an empty or oversized
 * envelope, metadata that breaks {@link SubmissionMetadata}'s rules, a preview that is not valid JSON. It
 * can never be revealed; stores report it (never its content) so that the library leaves evidence of it.
 *
 * @param id the row's submission id
 * @param problem what is wrong, in words that quote no stored value (for example {@code "envelope must
 *     have 1 to 1048576 bytes, got 0"})
 */
public record DamagedSubmission(SubmissionId id, String problem) {
  /**
   * Checks that no component is null.
   *
   * @param id the row's submission id
   * @param problem what is wrong, in words that quote no stored value (for example {@code "envelope must have
   *     1 to 1048576 bytes, got 0"})
   */
  public DamagedSubmission {
    requireNonNull(id, "id");
    requireNonNull(problem, "problem");
  }
}
