package dev.lhn.secureforms.schema;

/**
 * A form schema (usually JSON) is malformed or breaks a rule. The message names the place, for example
 * {@code "fields[2] (pan): unknown type 'CARDNUM'"}.
 */
public final class InvalidSchemaException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * A refused schema.
   *
   * @param message the place and the rule broken
   */
  public InvalidSchemaException(String message) {
    super(message);
  }

  /** With the cause: the caller's failing stream, or (a bug of ours, please report it) an internal error. */
  InvalidSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
