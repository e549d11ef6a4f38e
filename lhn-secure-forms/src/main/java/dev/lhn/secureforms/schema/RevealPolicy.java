package dev.lhn.secureforms.schema;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a submission may be revealed. The default is {@link #viewOnce()}: the first successful reveal
 * purges it. With {@link #views(int)} it may be revealed up to N times; the last allowed view purges it.
 * An optional window closes the submission a fixed time after its first view (for example "up to 3 views
 * within 10 minutes of the first").
 *
 * @param maxViews 1 to {@value #MAX_VIEWS}
 * @param windowAfterFirstView how long after the first view further views are allowed (1 ms to
 *     {@link #LONGEST_WINDOW}, whole milliseconds), or {@code null}
 */
public record RevealPolicy(int maxViews, Duration windowAfterFirstView) {
  /** The most views a form may allow. */
  public static final int MAX_VIEWS = 100;
  /** The longest window: 366 days, as {@link dev.lhn.secureforms.retention.RetentionPolicy#LONGEST_MAX_AGE}. */
  public static final Duration LONGEST_WINDOW = dev.lhn.secureforms.retention.RetentionPolicy.LONGEST_MAX_AGE;

  /**
   * Checks both components against the rules above.
   *
   * @param maxViews 1 to {@value #MAX_VIEWS}
   * @param windowAfterFirstView how long after the first view further views are allowed (1 ms to {@link
   *     #LONGEST_WINDOW}, whole milliseconds), or {@code null}
   */
  public RevealPolicy {
    if (maxViews < 1 || maxViews > MAX_VIEWS) {
      throw new IllegalArgumentException("maxViews must be 1 to " + MAX_VIEWS + ", got " + maxViews);
    }
    if (windowAfterFirstView != null) {
      if (windowAfterFirstView.isNegative() || windowAfterFirstView.isZero()
          || windowAfterFirstView.compareTo(LONGEST_WINDOW) > 0) {
        throw new IllegalArgumentException("windowAfterFirstView must be positive and at most "
            + LONGEST_WINDOW + ", got " + windowAfterFirstView);
      }
      if (windowAfterFirstView.getNano() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "windowAfterFirstView must be a whole number of milliseconds, got " + windowAfterFirstView);
      }
    }
  }

  /**
   * The default: one view, which purges the submission.
   *
   * @return the view-once policy
   */
  public static RevealPolicy viewOnce() {
    return new RevealPolicy(1, null);
  }

  /**
   * Up to {@code maxViews} views; the last one purges the submission.
   *
   * @param maxViews 1 to {@value #MAX_VIEWS}
   * @return the policy
   */
  public static RevealPolicy views(int maxViews) {
    return new RevealPolicy(maxViews, null);
  }

  /**
   * This policy, closing {@code window} after the first view.
   *
   * @param window 1 ms to {@link #LONGEST_WINDOW}, whole milliseconds
   * @return a new policy; this one is unchanged
   */
  public RevealPolicy within(Duration window) {
    return new RevealPolicy(maxViews, Objects.requireNonNull(window, "window"));
  }
}
