package dev.lhn.secureforms.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class SecureFormsHealthIndicatorTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
  private final InstantSource clock = now::get;
  private final FakeKms kms = new FakeKms();
  private final Aead kek = kms.getAeadQuietly("fake-kms://projects/p/keys/kek-1");
  private final SubmissionStore store = SubmissionStore.inMemory();
  private final SecureForms forms = SecureForms.builder().keyEncryptionKey(kek).store(store).clock(clock)
      .retentionScheduler(RetentionScheduler.disabled()).build();

  @AfterEach
  void close() {
    forms.close();
  }

  private SecureFormsHealthIndicator indicator(Duration interval) {
    return new SecureFormsHealthIndicator(forms, store, kek, interval, Duration.ofMinutes(5), Duration.ofMinutes(1),
        clock);
  }

  private void advance(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void up_whenStoreKekSchedulerAndLagAreFine() {
    forms.purgeDue();
    Health health = indicator(Duration.ofSeconds(5)).health(true);
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("store", "reachable").containsEntry("kek", "reachable")
        .containsEntry("scheduler", "running").containsEntry("purgeLag", "PT0S").containsEntry("maxPurgeLag", "PT5M");
  }

  @Test
  void down_whenTheKekFails_andTheProbeIsCachedNotPerRequest() {
    SecureFormsHealthIndicator indicator = indicator(null);
    assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
    int calls = kms.calls.get();
    kms.down.set(true);
    assertThat(indicator.health(true).getStatus()).as("cached for a minute").isEqualTo(Status.UP);
    assertThat(kms.calls.get()).isEqualTo(calls);
    advance(Duration.ofMinutes(1));
    Health health = indicator.health(true);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("kek", "failed (GeneralSecurityException)")
        .containsEntry("scheduler", "disabled");
    assertThat(health.getDetails().toString()).doesNotContain("fake-kms", "projects/p");
  }

  @Test
  void down_whenTheSchedulerHasNotRunForThreeIntervals() {
    SecureFormsHealthIndicator indicator = indicator(Duration.ofSeconds(5));
    advance(Duration.ofSeconds(15));
    assertThat(indicator.health(true).getStatus()).as("three intervals: still on time").isEqualTo(Status.UP);
    advance(Duration.ofMillis(1));
    Health late = indicator.health(true);
    assertThat(late.getStatus()).isEqualTo(Status.DOWN);
    assertThat(late.getDetails()).containsEntry("scheduler", "late");
    forms.purgeDue();
    assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void down_whenThePurgeLagPassesTheThreshold() {
    forms.submit(TestForms.card(), "conversation-42", TestForms.values());
    advance(Duration.ofHours(24).plusMinutes(6)); // the default 24 h maximum age passed 6 minutes ago
    SecureFormsHealthIndicator indicator = indicator(null);
    forms.purgeDue();
    assertThat(forms.purgeLag()).isEqualTo(Duration.ofMinutes(6));
    Health health = indicator.health(true);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("purgeLag", "PT6M");
  }

  @Test
  void down_whenTheStoreFails() {
    SubmissionStore broken = (SubmissionStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {SubmissionStore.class}, (p, m, a) -> {
          throw new dev.lhn.secureforms.StoreException("database down");
        });
    Health health = new SecureFormsHealthIndicator(forms, broken, kek, null, Duration.ofMinutes(5),
        Duration.ofMinutes(1), clock).health(true);
    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails()).containsEntry("store", "failed (StoreException)");
  }
}
