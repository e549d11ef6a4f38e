package dev.lhn.secureforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.compliance.ComplianceException;
import dev.lhn.secureforms.compliance.CompliancePolicy;
import dev.lhn.secureforms.compliance.ComplianceRule;
import dev.lhn.secureforms.compliance.KekOrigin;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ForwardingStore;
import dev.lhn.secureforms.testing.TestKeys;
import dev.lhn.secureforms.text.SensitiveText;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compliance profile as the builder and submit apply it (#14 Part 2). */
class ComplianceProfileTest {
  static final Aead KEK = TestKeys.freshKek();
  static final CompliancePolicy BOTH = CompliancePolicy.pciDss4().and(CompliancePolicy.hipaa());

  /** The seed's card form, kept within the profile: the card code never outlives its epoch. */
  static FormSchema compliantCard() {
    return FormSchema.builder("card-payment").title("Card payment")
        .field(Field.cardNumber("pan").label("Card number"))
        .field(Field.cardExpiry("exp").label("Expiry"))
        .field(Field.cardCvc("cvc").label("Card code")
            .retention(RetentionPolicy.afterConversationEnd(Duration.ZERO).andMaxAge(Duration.ofHours(1))))
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }

  /** A durable store for the profile's sake: any store but the in-memory one. */
  static SubmissionStore durable() {
    return new ForwardingStore(SubmissionStore.inMemory());
  }

  static SecureForms.Builder compliant() {
    return SecureForms.builder().keyEncryptionKey(KEK, KekOrigin.KMS).store(durable())
        .epochKeyStore(EpochKeyStore.inMemory()).revealAuthorizer((viewer, status) -> true)
        .transcriptRedaction(SensitiveText.defaults()).compliance(BOTH)
        .retentionScheduler(dev.lhn.secureforms.retention.RetentionScheduler.disabled());
  }

  @Test
  void defaults_breakEveryConfigurationRule_andBuildListsThemAll() {
    assertThatThrownBy(() -> SecureForms.builder().keyEncryptionKey(KEK).store(SubmissionStore.inMemory())
        .compliance(CompliancePolicy.pciDss4()).build())
        .isInstanceOfSatisfying(ComplianceException.class, e -> {
          assertThat(e.violations()).extracting(v -> v.rule()).containsExactly(ComplianceRule.DURABLE_JOURNAL,
              ComplianceRule.PROTECTED_KEK, ComplianceRule.REVEAL_AUTHORIZER, ComplianceRule.TRANSCRIPTS_REDACTED);
          assertThat(e.getMessage()).contains("4 rules broken", "PCI DSS 4.0.1 10.3.4", "revealAuthorizer(...)");
        });
  }

  @Test
  void declaredForms_areCheckedByBuild_fieldByField() {
    assertThatThrownBy(() -> compliant().forms(Forms.card()).epochWindow(Duration.ofHours(2)).build())
        .isInstanceOfSatisfying(ComplianceException.class, e -> assertThat(e.violations())
            .extracting(v -> v.rule() + " " + v.where())
            .containsExactly("EPOCH_WINDOW epochWindow", "CARD_CODE_PURGE form card-payment v1 field cvc"));
  }

  @Test
  void aCompliantConfiguration_builds_andSubmitRefusesABreakingForm_storingNothing() {
    try (SecureForms forms = compliant().forms(compliantCard()).build()) {
      forms.sealJournal();
      assertThat(forms.journalCheckpoint().count()).as("the profile's verdict is the first journal record").isEqualTo(1);
      SubmissionReceipt ok = forms.submit(compliantCard(), "c-1",
          java.util.Map.of("pan", "4111 1111 1111 1111", "exp", "12/39", "cvc", "123"));
      assertThat(forms.status(ok.id())).isPresent();
      FormSchema keepsTheCodeAllDay = Forms.card();
      assertThatThrownBy(() -> forms.submit(keepsTheCodeAllDay, "c-1", Forms.cardValues()))
          .isInstanceOfSatisfying(ComplianceException.class, e -> {
            assertThat(e.violations()).extracting(v -> v.rule()).containsExactly(ComplianceRule.CARD_CODE_PURGE);
            assertThat(e.getMessage()).doesNotContain("4111", "Jane");
          });
      assertThat(forms.submissions("c-1")).hasSize(1);
      assertThat(forms.redactTranscript(List.of("card 4111 1111", "1111 1111"))).containsExactly("card [card number]",
          "[card ending 1111]");
    }
  }

  @Test
  void conversationEnd_plusOneDay_revealableAtADayLessASecond_goneAtADay() {
    dev.lhn.secureforms.testing.ManualClock clock = dev.lhn.secureforms.testing.ManualClock.at("2026-11-29T10:00:00Z");
    FormSchema oneDay = FormSchema.builder("ssn").field(Field.usSsn("ssn"))
        .retention(RetentionPolicy.maxAge(Duration.ofDays(3)).andAfterConversationEnd(Duration.ofDays(1))).build();
    try (SecureForms forms = compliant().clock(clock).forms(oneDay).build()) {
      SubmissionReceipt r = forms.submit(oneDay, "c-2", java.util.Map.of("ssn", "123-45-6789"));
      forms.conversationEnded("c-2");
      clock.advance(Duration.ofDays(1).minusSeconds(1));
      assertThat(forms.status(r.id())).isPresent();
      clock.advance(Duration.ofSeconds(1));
      assertThat(forms.status(r.id())).isEmpty();
      assertThat(forms.reveal(r.id(), Viewer.of("operator-7"))).isEmpty();
    }
  }
}
