package dev.lhn.secureforms.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.testing.CapturingLogs;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetentionSchedulerTest {

  @Test
  void every_keepsRunningAfterAFailure_andLogsOnlyTheType() throws Exception {
    CountDownLatch ranTwice = new CountDownLatch(2);
    AtomicInteger runs = new AtomicInteger();
    try (AutoCloseable handle = RetentionScheduler.every(Duration.ofMillis(100)).start(() -> {
      ranTwice.countDown();
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("database down: secret-detail");
      }
    })) {
      assertTrue(ranTwice.await(10, TimeUnit.SECONDS), "ran again after throwing");
    }
    assertTrue(CapturingLogs.lines().stream().anyMatch(l -> l.contains("scheduled purge failed (IllegalStateException)")));
    assertTrue(CapturingLogs.lines().stream().noneMatch(l -> l.contains("secret-detail")));
  }

  @Test
  void close_stopsIt() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch first = new CountDownLatch(1);
    AutoCloseable handle = RetentionScheduler.every(Duration.ofMillis(100)).start(() -> {
      runs.incrementAndGet();
      first.countDown();
    });
    assertTrue(first.await(10, TimeUnit.SECONDS));
    handle.close();
    int after = runs.get();
    CountDownLatch never = new CountDownLatch(1);
    assertTrue(!never.await(400, TimeUnit.MILLISECONDS));
    assertEquals(after, runs.get(), "no run after close");
  }

  @Test
  void disabled_neverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    RetentionScheduler.disabled().start(runs::incrementAndGet).close();
    assertEquals(0, runs.get());
  }

  @Test
  void every_rejectsTooShortIntervals() {
    assertEquals("interval must be at least 100ms, got PT0.01S",
        assertThrows(IllegalArgumentException.class, () -> RetentionScheduler.every(Duration.ofMillis(10))).getMessage());
  }
}
