package dev.lhn.secureforms;

/**
 * The {@link dev.lhn.secureforms.spi.SubmissionStore} failed. Store implementations translate their own
 * failures (for example {@code SQLException}) into this type, keeping the vendor's error code
 * ({@link #sqlState()}) but never a bind value or an envelope byte in the message.
 */
public class StoreException extends SecureFormsException {
  private static final long serialVersionUID = 1L;
  private final String sqlState;

  public StoreException(String message) {
    this(message, null, null);
  }

  public StoreException(String message, String sqlState) {
    this(message, sqlState, null);
  }

  /**
   * @param cause attach only causes whose messages cannot carry bind values; JDBC stores should pass
   *     {@code null} and copy the SQL state instead.
   */
  public StoreException(String message, String sqlState, Throwable cause) {
    super(sqlState == null ? message : message + " (SQL state " + sqlState + ")", cause);
    this.sqlState = sqlState;
  }

  /** The SQL state of the underlying database error, or {@code null}. */
  public String sqlState() {
    return sqlState;
  }
}
