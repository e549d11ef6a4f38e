package dev.lhn.secureforms.retention;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import dev.lhn.secureforms.internal.JitteredScheduler;

/**
 * Triggers the purge of due submissions. Best effort by design: reads re-check every deadline, so a
 * submission that is due is never revealed or shown even if the scheduler runs late or not at all; the
 * scheduler only reclaims storage. Safe on a cluster: every instance may run one, because the store
 * hands each due row to exactly one purger.
 *
 * <ul>
 *   <li>{@link #every(Duration)}: a daemon thread runs the purge every interval, with &plusmn;20% jitter so
 *       a fleet does not purge in lockstep; failures are logged, never thrown into the host.
 *   <li>{@link #disabled()}: for hosts that call {@code SecureForms.purgeDue()} from their own scheduler.
 * </ul>
 */
public interface RetentionScheduler {
  /** The default interval: 5 seconds. */
  Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /**
   * Starts running {@code purge} and returns the handle that stops it; {@code SecureForms.close()} calls it.
   *
   * @param purge the purge to run; it never throws
   * @return the handle that stops the schedule
   */
  AutoCloseable start(Runnable purge);

  /**
   * Every 5 seconds, with jitter.
   *
   * @return the default scheduler
   */
  static RetentionScheduler defaults() {
    return every(DEFAULT_INTERVAL);
  }

  /**
   * Never runs; the host calls {@code purgeDue()} itself.
   *
   * @return a scheduler that never runs
   */
  static RetentionScheduler disabled() {
    return purge -> () -> {};
  }

  /**
   * Every {@code interval} (at least 100 ms), with &plusmn;20% jitter, on one daemon thread.
   *
   * @param interval the mean time between runs, at least 100 ms
   * @return the scheduler
   */
  static RetentionScheduler every(Duration interval) {
    requireNonNull(interval, "interval");
    if (interval.toMillis() < 100) {
      throw new IllegalArgumentException("interval must be at least 100ms, got " + interval);
    }
    return purge -> JitteredScheduler.start(interval.toMillis(), purge);
  }
}
