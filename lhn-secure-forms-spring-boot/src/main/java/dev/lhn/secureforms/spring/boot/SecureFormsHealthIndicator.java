package dev.lhn.secureforms.spring.boot;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of lhn-secure-forms ({@code /actuator/health/secureForms}): UP when the store answers a lookup,
 * the key-encryption key encrypts and decrypts a probe (cached, never one KMS call per request), the
 * scheduler ran within three intervals, and the purge lag is under the threshold. Details are states,
 * times and exception class names: never a key, a URI with credentials, an id or a value.
 */
public class SecureFormsHealthIndicator extends AbstractHealthIndicator {
  private static final byte[] PROBE_AD = "lhn-secure-forms health probe".getBytes(StandardCharsets.US_ASCII);

  private final SecureForms forms;
  private final SubmissionStore store;
  private final Aead kek;
  private final Duration schedulerInterval;
  private final Duration maxPurgeLag;
  private final Duration kekProbeCache;
  private final InstantSource clock;
  private final Instant startedAt;
  private final SecureRandom random = new SecureRandom();
  private volatile Probe lastProbe;

  /**
   * Creates the indicator.
   *
   * @param forms the instance whose purge lag and last run are checked
   * @param store its store
   * @param kek its key-encryption key
   * @param schedulerInterval the purge interval, or {@code null} when the scheduler is disabled
   * @param maxPurgeLag the largest healthy purge lag
   * @param kekProbeCache how long a KEK probe result is reused
   * @param clock the clock
   */
  public SecureFormsHealthIndicator(SecureForms forms, SubmissionStore store, Aead kek, Duration schedulerInterval,
      Duration maxPurgeLag, Duration kekProbeCache, InstantSource clock) {
    super("lhn-secure-forms health check failed");
    this.forms = forms;
    this.store = store;
    this.kek = kek;
    this.schedulerInterval = schedulerInterval;
    this.maxPurgeLag = maxPurgeLag;
    this.kekProbeCache = kekProbeCache;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Instant now = clock.instant();
    boolean up = true;

    try {
      store.find(SubmissionId.random(random), now);
      builder.withDetail("store", "reachable");
    } catch (RuntimeException e) {
      builder.withDetail("store", "failed (" + e.getClass().getSimpleName() + ")");
      up = false;
    }

    Probe probe = probe(now);
    builder.withDetail("kek", probe.ok ? "reachable" : "failed (" + probe.failure + ")");
    builder.withDetail("kekCheckedAt", probe.at.toString());
    up &= probe.ok;

    Optional<Instant> lastRun = forms.lastPurgeRun();
    lastRun.ifPresent(t -> builder.withDetail("lastPurgeRun", t.toString()));
    if (schedulerInterval == null) {
      builder.withDetail("scheduler", "disabled");
    } else {
      Instant since = lastRun.orElse(startedAt);
      boolean alive = !since.plus(schedulerInterval.multipliedBy(3)).isBefore(now);
      builder.withDetail("scheduler", alive ? "running" : "late");
      up &= alive;
    }

    Duration lag = forms.purgeLag();
    builder.withDetail("purgeLag", lag.toString());
    builder.withDetail("maxPurgeLag", maxPurgeLag.toString());
    up &= lag.compareTo(maxPurgeLag) <= 0;

    if (up) {
      builder.up();
    } else {
      builder.down();
    }
  }

  private Probe probe(Instant now) {
    Probe last = lastProbe;
    if (last != null && last.at.plus(kekProbeCache).isAfter(now)) {
      return last;
    }
    Probe fresh;
    try {
      byte[] plain = new byte[16];
      random.nextBytes(plain);
      byte[] back = kek.decrypt(kek.encrypt(plain, PROBE_AD), PROBE_AD);
      fresh = MessageDigest.isEqual(plain, back) ? new Probe(now, true, null) : new Probe(now, false, "mismatch");
    } catch (Exception e) {
      fresh = new Probe(now, false, e.getClass().getSimpleName());
    }
    lastProbe = fresh;
    return fresh;
  }

  private static final class Probe {
    final Instant at;
    final boolean ok;
    final String failure;

    Probe(Instant at, boolean ok, String failure) {
      this.at = at;
      this.ok = ok;
      this.failure = failure;
    }
  }
}
