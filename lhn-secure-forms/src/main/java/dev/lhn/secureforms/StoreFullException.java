package dev.lhn.secureforms;

/** A bounded store (such as the in-memory store) has reached its configured capacity. Nothing was written. */
public final class StoreFullException extends StoreException {
  private static final long serialVersionUID = 1L;

  /**
   * A store at its bound.
   *
   * @param message names the bound
   */
  public StoreFullException(String message) {
    super(message);
  }
}
