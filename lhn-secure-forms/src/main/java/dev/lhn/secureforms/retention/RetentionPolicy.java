package dev.lhn.secureforms.retention;

import java.time.Duration;
import java.util.Objects;

/**
 * When stored data becomes due for purge, apart from reveals and on-demand purges.
 *
 * <p>Every duration is a whole number of milliseconds and at most {@link #LONGEST_MAX_AGE} (366 days);
 * {@code maxAge} is at least 1 ms, {@code afterConversationEnd} at least zero.
 *
 * <p>On a form, {@link #maxAge()} is mandatory (every submission has a deadline; the default is 24 hours)
 * and {@link #afterConversationEnd()} is optional: when set, ending the conversation moves the deadline
 * to {@code end + offset} if that is earlier. On a field, both are optional and apply to that field
 * alone (for example the card code purged the moment the conversation ends while the rest of the form
 * lives a day).
 *
 * <p>Immutable; build with {@link #maxAge(Duration)}, {@link #afterConversationEnd(Duration)} and
 * {@link #none()}, and combine with the {@code and...} methods.
 *
 * @param maxAge how long after submission the data is due, or {@code null} for no age limit (fields only)
 * @param afterConversationEnd how long after the conversation ends the data is due, {@code Duration.ZERO}
 *     for the moment it ends, or {@code null} when the conversation's end does not matter
 */
public record RetentionPolicy(Duration maxAge, Duration afterConversationEnd) {
  /** The default maximum age of a submission: 24 hours. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
  /** The longest maximum age the library accepts: 366 days. Longer is not a secure form any more. */
  public static final Duration LONGEST_MAX_AGE = Duration.ofDays(366);

  /** A form's default: due 24 hours after submission; the conversation's end does not matter. */
  public static final RetentionPolicy DEFAULT = new RetentionPolicy(DEFAULT_MAX_AGE, null);

  /**
   * Checks every duration against the rules above.
   *
   * @param maxAge how long after submission the data is due, or {@code null} for no age limit (fields only)
   * @param afterConversationEnd how long after the conversation ends the data is due, {@code Duration.ZERO}
   *     for the moment it ends, or {@code null} when the conversation's end does not matter
   */
  public RetentionPolicy {
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero() || maxAge.compareTo(LONGEST_MAX_AGE) > 0)) {
      throw new IllegalArgumentException(
          "maxAge must be positive and at most " + LONGEST_MAX_AGE + ", got " + maxAge);
    }
    if (afterConversationEnd != null
        && (afterConversationEnd.isNegative() || afterConversationEnd.compareTo(LONGEST_MAX_AGE) > 0)) {
      throw new IllegalArgumentException(
          "afterConversationEnd must be zero or positive and at most " + LONGEST_MAX_AGE + ", got "
              + afterConversationEnd);
    }
    requireWholeMillis("maxAge", maxAge);
    requireWholeMillis("afterConversationEnd", afterConversationEnd);
  }

  /**
   * Refuses a duration with a fraction of a millisecond: deadlines are kept in epoch milliseconds, so
   * {@code PT0.0001S} would silently become zero (due at once) and would not survive the JSON round trip.
   */
  private static void requireWholeMillis(String name, Duration d) {
    if (d != null && d.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(name + " must be a whole number of milliseconds, got " + d);
    }
  }

  /**
   * No rule of its own: for a field that lives as long as its submission.
   *
   * @return the policy with neither rule
   */
  public static RetentionPolicy none() {
    return new RetentionPolicy(null, null);
  }

  /**
   * Due {@code maxAge} after submission.
   *
   * @param maxAge 1 ms to {@link #LONGEST_MAX_AGE}, whole milliseconds
   * @return the policy
   */
  public static RetentionPolicy maxAge(Duration maxAge) {
    return new RetentionPolicy(Objects.requireNonNull(maxAge, "maxAge"), null);
  }

  /**
   * Due {@code offset} after the conversation ends ({@code Duration.ZERO}: the moment it ends).
   *
   * @param offset zero to {@link #LONGEST_MAX_AGE}, whole milliseconds
   * @return the policy
   */
  public static RetentionPolicy afterConversationEnd(Duration offset) {
    return new RetentionPolicy(null, Objects.requireNonNull(offset, "offset"));
  }

  /**
   * This policy with a maximum age.
   *
   * @param maxAge 1 ms to {@link #LONGEST_MAX_AGE}, whole milliseconds
   * @return a new policy; this one is unchanged
   */
  public RetentionPolicy andMaxAge(Duration maxAge) {
    return new RetentionPolicy(Objects.requireNonNull(maxAge, "maxAge"), afterConversationEnd);
  }

  /**
   * This policy with a conversation-end offset.
   *
   * @param offset zero to {@link #LONGEST_MAX_AGE}, whole milliseconds
   * @return a new policy; this one is unchanged
   */
  public RetentionPolicy andAfterConversationEnd(Duration offset) {
    return new RetentionPolicy(maxAge, Objects.requireNonNull(offset, "offset"));
  }

  /** {@return whether this policy has no rule at all} */
  public boolean isNone() {
    return maxAge == null && afterConversationEnd == null;
  }
}
