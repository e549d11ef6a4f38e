package dev.lhn.secureforms;

/**
 * Root of the library's runtime failures. Unchecked, and never carries a field value, key bytes or a
 * ciphertext in its message or cause chain.
 *
 * <p>Subtypes say what failed: {@link InvalidSubmissionException} (the visitor's input broke a rule),
 * {@link DecryptionException} (a sealed value could not be opened), {@link StoreException} (the storage
 * backend failed), {@link RevealDeniedException} (the host's {@link RevealAuthorizer} said no).
 */
public class SecureFormsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure described by {@code message}.
   *
   * @param message what failed; never a value, key or ciphertext
   */
  public SecureFormsException(String message) {
    super(message);
  }

  /**
   * A failure described by {@code message}, with its cause.
   *
   * @param message what failed; never a value, key or ciphertext
   * @param cause the cause; only one whose message cannot carry a value
   */
  public SecureFormsException(String message, Throwable cause) {
    super(message, cause);
  }
}
