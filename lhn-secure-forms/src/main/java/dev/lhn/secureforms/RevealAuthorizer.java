package dev.lhn.secureforms;

/**
 * The host product's say on every reveal: permissions, step-up authentication, an IP allow-list. Called
 * before anything is consumed or decrypted, with the submission's metadata only. Returning {@code false}
 * makes {@link SecureForms#reveal} throw {@link RevealDeniedException} and records a
 * {@code RevealDenied} event; an exception thrown here is treated as a denial (fail closed).
 */
@FunctionalInterface
public interface RevealAuthorizer {
  /** Allows every reveal: the default, for hosts that check permissions before calling the library. */
  RevealAuthorizer ALLOW_ALL = (viewer, status) -> true;

  /**
   * @param viewer who asks
   * @param status the submission's metadata and masked preview (never a value)
   * @return whether {@code viewer} may reveal this submission now
   */
  boolean mayReveal(Viewer viewer, SubmissionStatus status);
}
