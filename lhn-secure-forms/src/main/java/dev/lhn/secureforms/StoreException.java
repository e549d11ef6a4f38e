package dev.lhn.secureforms;

/**
 * The {@link dev.lhn.secureforms.spi.SubmissionStore} failed. Store implementations translate their own
 * failures (for example {@code SQLException}) into this type, keeping the vendor's error code
 * ({@link #sqlState()}) but never a bind value or an envelope byte in the message.
 */
public class StoreException extends SecureFormsException {
  private static final long serialVersionUID = 1L;
  /** The SQL state of the underlying database error, or {@code null}. */
  private final String sqlState;

  /**
   * A store failure without an SQL state.
   *
   * @param message what failed; never a bind value or envelope byte
   */
  public StoreException(String message) {
    this(message, null, null);
  }

  /**
   * A store failure with the database's SQL state.
   *
   * @param message what failed; never a bind value or envelope byte
   * @param sqlState the SQL state, or {@code null}
   */
  public StoreException(String message, String sqlState) {
    this(message, sqlState, null);
  }

  /**
   *
   * @param message what failed; never a bind value or envelope byte
   * @param sqlState the SQL state, or {@code null}
   * @param cause attach only causes whose messages cannot carry bind values; JDBC stores should pass
   *     {@code null} and copy the SQL state instead.
   */
  public StoreException(String message, String sqlState, Throwable cause) {
    super(sqlState == null ? message : message + " (SQL state " + sqlState + ")", cause);
    this.sqlState = sqlState;
  }

  /** {@return the SQL state of the underlying database error, or {@code null}} */
  public String sqlState() {
    return sqlState;
  }
}
