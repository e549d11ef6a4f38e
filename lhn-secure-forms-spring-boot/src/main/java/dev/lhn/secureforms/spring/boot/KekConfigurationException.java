package dev.lhn.secureforms.spring.boot;

/**
 * The key-encryption key could not be configured: a property is missing or refused, or no KmsClient
 * supports the URI. The message names the property; it never holds key material or credentials.
 */
public class KekConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  /** The property to fix. */
  private final String property;

  /**
   * Creates the exception.
   *
   * @param property the property to fix, for example {@code lhn.secure-forms.kek.uri}
   * @param message what is wrong and how to fix it
   */
  public KekConfigurationException(String property, String message) {
    super(message);
    this.property = property;
  }

  /**
   * The property to fix.
   *
   * @return its full name
   */
  public String property() {
    return property;
  }
}
