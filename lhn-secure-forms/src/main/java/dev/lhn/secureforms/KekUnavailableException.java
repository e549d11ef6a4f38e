package dev.lhn.secureforms;

/**
 * The key-encryption key failed (a KMS outage, a revoked or wrong key) when an epoch key had to be created,
 * unwrapped or re-wrapped. Names the epoch, never the KMS's own message (it can carry account ids or key
 * material hints). Nothing was stored and nothing was consumed; retry once the KEK answers.
 */
public class KekUnavailableException extends SecureFormsException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the epoch and the exception type of the KEK's failure
   */
  public KekUnavailableException(String message) {
    super(message);
  }
}
