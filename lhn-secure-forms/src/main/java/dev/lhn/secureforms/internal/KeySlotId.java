package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

/**
 * The id of the epoch key that wraps one key slot's data key in envelope format v2 (docs/FORMAT.md): the
 * same four components as the key hierarchy's {@code dev.lhn.secureforms.keys.EpochKeyId} (docs/KEYS.md),
 * kept here so that the codec depends on no store or hierarchy class; converting is one constructor call.
 *
 * @param tenant {@code [a-z0-9._-]{0,64}}, {@code ""} until the tenant API exists
 * @param keyClass {@code [a-z0-9-]{1,32}}, e.g. {@code data}
 * @param windowStartMillis the epoch window's start in epoch milliseconds, at least 0
 * @param windowLengthMillis the window's length in milliseconds, at least 1, with
 *     {@code windowStartMillis + windowLengthMillis} not overflowing
 */
public record KeySlotId(String tenant, String keyClass, long windowStartMillis, long windowLengthMillis) {
  /** The longest tenant. */
  public static final int MAX_TENANT = 64;
  /** The longest key class. */
  public static final int MAX_KEY_CLASS = 32;

  /**
   * Checks every component.
   *
   * @throws IllegalArgumentException naming the component and the rule (strings are not quoted: they
   *     may come from a damaged envelope)
   */
  public KeySlotId {
    requireNonNull(tenant, "tenant");
    requireNonNull(keyClass, "keyClass");
    if (!isTenant(tenant)) {
      throw new IllegalArgumentException("tenant must match [a-z0-9._-]{0,64} (length " + tenant.length() + ")");
    }
    if (keyClass.isEmpty() || keyClass.length() > MAX_KEY_CLASS || !isKeyClass(keyClass)) {
      throw new IllegalArgumentException("keyClass must match [a-z0-9-]{1,32} (length " + keyClass.length() + ")");
    }
    if (windowStartMillis < 0) {
      throw new IllegalArgumentException("windowStartMillis must be at least 0, got " + windowStartMillis);
    }
    if (windowLengthMillis < 1 || windowStartMillis > Long.MAX_VALUE - windowLengthMillis) {
      throw new IllegalArgumentException("windowLengthMillis must be at least 1 and end the window before "
          + "Long.MAX_VALUE, got " + windowLengthMillis + " from " + windowStartMillis);
    }
  }

  private static boolean isKeyClass(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code s} is a valid tenant ({@code [a-z0-9._-]{0,64}}); shared with {@link Policy}.
   *
   * @param s a candidate
   * @return whether it is one
   */
  static boolean isTenant(String s) {
    if (s.length() > MAX_TENANT) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) { // a loop, not a stream: this runs on every seal and open (#12)
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * The end of the window (exclusive).
   *
   * @return {@code windowStartMillis + windowLengthMillis}
   */
  public long windowEndMillis() {
    return windowStartMillis + windowLengthMillis;
  }
}
