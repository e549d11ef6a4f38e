package dev.lhn.secureforms.examples;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until told to move: what the quick start and the tests hand to
 * {@code SecureForms.builder().clock(...)} to show an hour passing in a millisecond. Thread-safe.
 */
public final class ManualClock implements InstantSource {
  private final AtomicReference<Instant> now;

  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(requireNonNull(start, "start"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock forward by {@code amount} and returns the new time. */
  public Instant advance(Duration amount) {
    requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("a manual clock only moves forward, got " + amount);
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
