package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The core works without Micrometer on the class path (#15). The pom runs this class a second time in an
 * execution of its own ({@code without-micrometer}) that removes the Micrometer jars and sets
 * {@code lsf.withoutMicrometer=true}; there the first assertion proves the jar is really gone.
 */
class WithoutMicrometerTest {

  @Test
  void submitRevealPurge_runWithoutMicrometer() {
    if (Boolean.getBoolean("lsf.withoutMicrometer")) {
      assertThrows(ClassNotFoundException.class,
          () -> Class.forName("io.micrometer.observation.ObservationRegistry"));
    }
    ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
    try (SecureForms forms = SecureForms.builder()
        .keyEncryptionKey(TestKeys.freshKek())
        .store(SubmissionStore.inMemory())
        .clock(clock)
        .retentionScheduler(RetentionScheduler.disabled())
        .build()) {
      SubmissionReceipt a = forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
      SubmissionReceipt b = forms.submit(Forms.card(), "conversation-42", Forms.cardValues());
      assertEquals(2, forms.submissions("conversation-42").size());
      try (RevealedSubmission r = forms.reveal(a.id(), Viewer.of("operator-7")).orElseThrow()) {
        assertEquals("4242424242424242", r.value("pan"));
      }
      clock.advance(Duration.ofDays(2));
      assertEquals(1, forms.purgeDue());
      assertTrue(forms.status(b.id()).isEmpty());
      assertEquals(Duration.ofDays(1), forms.purgeLag());
    }
  }
}
