package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried again. {@link #standard()} is exponential backoff with full jitter over about
 * three days (see {@code docs/WEBHOOKS.md}); {@link #fixed(List)} is a list without jitter, such as the
 * spec's example schedule.
 */
public interface RetrySchedule {

  /**
   * {@return the delay before the next attempt after {@code failedAttempts} failed ones, or empty to give up}
   *
   * @param failedAttempts how many attempts failed so far, at least 1
   * @param random the source of jitter
   */
  Optional<Duration> nextDelay(int failedAttempts, RandomGenerator random);

  /** {@return the most attempts this schedule makes, the first one included} */
  int maxAttempts();

  /**
   * The default: {@code exponential(1 minute, 24 hours, 17)}: 16 retries whose ceilings are 1, 2, 4, ... 1,024
   * minutes, then 24 hours five times (sum 154 hours); the delay is uniform below the ceiling (full jitter), so
   * the last attempt comes about 77 hours (3.2 days) after the first on average and at most 6.4 days after.
   *
   * @return the standard schedule
   */
  static RetrySchedule standard() {
    return exponential(Duration.ofMinutes(1), Duration.ofHours(24), 17);
  }

  /**
   * Exponential backoff with full jitter: after failure {@code n} the delay is uniform in
   * {@code [0, min(cap, base * 2^(n-1))]}.
   *
   * @param base the first ceiling, positive
   * @param cap the largest ceiling, at least {@code base}
   * @param maxAttempts attempts in all, the first one included, at least 1
   * @return the schedule
   */
  static RetrySchedule exponential(Duration base, Duration cap, int maxAttempts) {
    requireNonNull(base, "base");
    requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base must be positive, got " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap must be at least base " + base + ", got " + cap);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    long baseNanos = base.toNanos();
    long capNanos = cap.toNanos();
    return new RetrySchedule() {
      @Override
      public Optional<Duration> nextDelay(int failedAttempts, RandomGenerator random) {
        if (failedAttempts < 1) {
          throw new IllegalArgumentException("failedAttempts must be at least 1, got " + failedAttempts);
        }
        if (failedAttempts >= maxAttempts) {
          return Optional.empty();
        }
        int shift = Math.min(failedAttempts - 1, 62);
        long ceiling = baseNanos > (capNanos >> shift) ? capNanos : Math.min(capNanos, baseNanos << shift);
        return Optional.of(Duration.ofNanos((long) (random.nextDouble() * ceiling)));
      }

      @Override
      public int maxAttempts() {
        return maxAttempts;
      }

      @Override
      public String toString() {
        return "RetrySchedule.exponential(" + base + ", " + cap + ", " + maxAttempts + ")";
      }
    };
  }

  /**
   * A fixed list of delays, without jitter: after failure {@code n} wait {@code delays.get(n - 1)}; give up
   * after the last. The spec's example is {@code 5s, 5m, 30m, 2h, 5h, 10h, 10h}.
   *
   * @param delays the delays before the second, third, ... attempt; may be empty (one attempt only)
   * @return the schedule
   */
  static RetrySchedule fixed(List<Duration> delays) {
    List<Duration> copy = List.copyOf(delays);
    for (Duration d : copy) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("a delay must not be negative, got " + d);
      }
    }
    return new RetrySchedule() {
      @Override
      public Optional<Duration> nextDelay(int failedAttempts, RandomGenerator random) {
        if (failedAttempts < 1) {
          throw new IllegalArgumentException("failedAttempts must be at least 1, got " + failedAttempts);
        }
        return failedAttempts <= copy.size() ? Optional.of(copy.get(failedAttempts - 1)) : Optional.empty();
      }

      @Override
      public int maxAttempts() {
        return copy.size() + 1;
      }

      @Override
      public String toString() {
        return "RetrySchedule.fixed(" + copy + ")";
      }
    };
  }
}
