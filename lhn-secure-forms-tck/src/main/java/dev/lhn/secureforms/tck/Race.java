package dev.lhn.secureforms.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** The kits' races: threads released together, with a time limit that turns a deadlock into a failure. */
final class Race {
  static final long RACE_TIMEOUT_SECONDS = 60;

  private Race() {}

  /**
   * Runs {@code threads} tasks at once (released together) and returns their results in task order. A task's
   * failure fails the test; so does a race that does not finish in time (a deadlock or a lost wake-up).
   */
  static <T> List<T> run(int threads, IntFunction<Callable<T>> task) {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "kit-racer");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<T> c = task.apply(i);
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return c.call();
        }));
      }
      ready.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RACE_TIMEOUT_SECONDS);
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          results.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof AssertionError) {
            throw (AssertionError) cause;
          }
          throw new AssertionError("a racing thread failed: " + cause, cause);
        } catch (TimeoutException e) {
          throw new AssertionError("the race did not finish within " + RACE_TIMEOUT_SECONDS
              + " s: a deadlock, or a claim or purge that blocks for too long");
        }
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
