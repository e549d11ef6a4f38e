package dev.lhn.secureforms.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon thread behind {@code RetentionScheduler.every}: runs a task with &plusmn;20% jitter, never throws. */
public final class JitteredScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(JitteredScheduler.class);

  private JitteredScheduler() {}

  public static AutoCloseable start(long intervalMillis, Runnable task) {
    ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lhn-secure-forms-retention");
      t.setDaemon(true);
      return t;
    });
    Runnable[] self = new Runnable[1];
    self[0] = () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("scheduled purge failed ({}); it will be retried", e.getClass().getSimpleName());
      } finally {
        reschedule(exec, self[0], intervalMillis);
      }
    };
    reschedule(exec, self[0], intervalMillis);
    return exec::shutdownNow;
  }

  private static void reschedule(ScheduledExecutorService exec, Runnable r, long interval) {
    try {
      if (!exec.isShutdown()) {
        long delay = (long) (interval * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        exec.schedule(r, delay, TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // shut down meanwhile: nothing more to schedule
    }
  }
}
