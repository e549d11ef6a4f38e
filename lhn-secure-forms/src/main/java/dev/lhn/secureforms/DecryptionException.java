package dev.lhn.secureforms;

/**
 * A sealed envelope could not be opened: it was tampered with, truncated, moved to another field,
 * submission or form, has an unknown format version, or the key-encryption key failed or is unavailable.
 *
 * <p>This is the one decryption error type. Its message names the failing part (for example
 * {@code "field 'pan'"} or {@code "data key"}) but never carries key, ciphertext or plaintext bytes,
 * and the underlying {@code GeneralSecurityException} is deliberately not attached as a cause, so no
 * provider internals reach the caller's logs.
 */
public final class DecryptionException extends SecureFormsException {
  private static final long serialVersionUID = 1L;

  /**
   * An envelope that could not be opened.
   *
   * @param message names the failing part; never key, ciphertext or plaintext bytes
   */
  public DecryptionException(String message) {
    super(message);
  }
}
