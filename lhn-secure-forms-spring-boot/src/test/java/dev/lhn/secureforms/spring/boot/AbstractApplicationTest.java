package dev.lhn.secureforms.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.spi.SubmissionStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** What every {@code @SpringBootTest} of {@link TinyApp} checks, on its own database. */
abstract class AbstractApplicationTest {
  @Autowired SecureForms forms;
  @Autowired SubmissionStore store;
  @Autowired EpochKeyStore epochKeys;
  @Autowired MeterRegistry meters;
  @Autowired SecureFormsHealthIndicator health;
  @Autowired FakeKms kms;

  @Test
  void app_submitsReveals_isObserved_andHealthy_untilTheKekFails() {
    assertThat(store).isInstanceOf(JdbcSubmissionStore.class);
    assertThat(epochKeys).isInstanceOf(JdbcEpochKeyStore.class);
    SubmissionReceipt r = forms.submit(TestForms.card(), "conversation-42", TestForms.values());
    assertThat(forms.submissions("conversation-42")).hasSize(1);
    try (RevealedSubmission revealed = forms.reveal(r.id(), Viewer.of("operator-7")).orElseThrow()) {
      assertThat(revealed.value("pan")).isEqualTo("4242424242424242");
    }
    assertThat(forms.reveal(r.id(), Viewer.of("operator-7"))).isEmpty();
    forms.purgeDue();

    assertThat(meters.get("lhn.secure-forms.submit").tag("outcome", "stored").tag("form", "card-payment")
        .timer().count()).isEqualTo(1);
    assertThat(meters.get("lhn.secure-forms.reveal").tag("outcome", "revealed").timer().count()).isEqualTo(1);
    assertThat(meters.get("lhn.secure-forms.reveal").tag("outcome", "empty").timer().count()).isEqualTo(1);
    // per epoch key (and for the conversation lookup key), not per submission: SecureFormsAutoConfigurationTest
    assertThat(meters.get("lhn.secure-forms.kek").tag("operation", "encrypt").tag("outcome", "success")
        .timer().count()).isPositive();
    assertThat(meters.get("lhn.secure-forms.purge").timer().count()).isPositive();
    assertThat(meters.get("lhn.secure-forms.purge.lag").gauge().value()).isZero();
    meters.getMeters().forEach(m -> m.getId().getTags().forEach(t ->
        assertThat(t.getValue()).doesNotContain(r.id().toString(), "conversation-42", "operator-7", "4242")));

    Health up = health.health(true);
    assertThat(up.getStatus()).isEqualTo(Status.UP);
    kms.down.set(true);
    try {
      Health down = health.health(true);
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails()).containsEntry("kek", "failed (GeneralSecurityException)");
    } finally {
      kms.down.set(false);
    }
  }
}
