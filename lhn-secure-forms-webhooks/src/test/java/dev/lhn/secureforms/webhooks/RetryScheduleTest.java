package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  /** A generator at the top of its range: every delay is its ceiling (within a nanosecond). */
  private static final RandomGenerator TOP = new RandomGenerator() {
    @Override
    public long nextLong() {
      return -1L;
    }

    @Override
    public double nextDouble() {
      return Math.nextDown(1.0);
    }
  };

  @Test
  void standard_ceilingsDoubleFromOneMinuteToADay_then16RetriesAndGivesUp() {
    RetrySchedule s = RetrySchedule.standard();
    assertEquals(17, s.maxAttempts());
    Duration total = Duration.ZERO;
    for (int failed = 1; failed <= 16; failed++) {
      Duration d = s.nextDelay(failed, TOP).orElseThrow();
      Duration ceiling = failed <= 11 ? Duration.ofMinutes(1L << (failed - 1)) : Duration.ofHours(24);
      assertTrue(d.compareTo(ceiling) <= 0 && ceiling.minus(d).toMillis() < 1, failed + ": " + d);
      total = total.plus(d);
    }
    assertEquals(Optional.empty(), s.nextDelay(17, TOP));
    // the longest span: 2,047 minutes + 5 days = 154 hours (6.4 days)
    assertEquals(154, Math.round(total.toMinutes() / 60.0));
  }

  @Test
  void standard_spansAboutThreeDaysOnAverage() {
    RetrySchedule s = RetrySchedule.standard();
    RandomGenerator random = new SplittableRandom(11);
    double sumHours = 0;
    int runs = 2000;
    for (int r = 0; r < runs; r++) {
      for (int failed = 1; failed <= 16; failed++) {
        sumHours += s.nextDelay(failed, random).orElseThrow().toSeconds() / 3600.0;
      }
    }
    double mean = sumHours / runs;
    assertTrue(mean > 72 && mean < 82, "mean span " + mean + " h");
  }

  @Test
  void exponential_fullJitterStaysBelowTheCeiling() {
    RetrySchedule s = RetrySchedule.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8), 100);
    RandomGenerator random = new SplittableRandom(3);
    for (int failed = 1; failed < 100; failed++) {
      Duration d = s.nextDelay(failed, random).orElseThrow();
      long ceiling = Math.min(8, 1L << Math.min(failed - 1, 20));
      assertTrue(!d.isNegative() && d.compareTo(Duration.ofSeconds(ceiling)) <= 0, failed + ": " + d);
    }
  }

  @Test
  void fixed_theSpecsExample() {
    List<Duration> spec = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30),
        Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    RetrySchedule s = RetrySchedule.fixed(spec);
    assertEquals(8, s.maxAttempts());
    assertEquals(Optional.of(Duration.ofSeconds(5)), s.nextDelay(1, TOP));
    assertEquals(Optional.of(Duration.ofHours(10)), s.nextDelay(7, TOP));
    assertEquals(Optional.empty(), s.nextDelay(8, TOP));
  }

  @Test
  void badArguments_named() {
    assertEquals("base must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
        () -> RetrySchedule.exponential(Duration.ZERO, Duration.ofSeconds(1), 3)).getMessage());
    assertEquals("cap must be at least base PT2S, got PT1S", assertThrows(IllegalArgumentException.class,
        () -> RetrySchedule.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 3)).getMessage());
    assertEquals("maxAttempts must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> RetrySchedule.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1), 0)).getMessage());
  }
}
