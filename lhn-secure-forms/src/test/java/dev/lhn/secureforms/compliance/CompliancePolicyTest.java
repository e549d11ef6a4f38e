package dev.lhn.secureforms.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lhn.secureforms.compliance.CompliancePolicy.Configuration;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompliancePolicyTest {
  private static final Configuration GOOD = new Configuration(true, Duration.ofDays(400), KekOrigin.KMS, false,
      Duration.ofHours(1), true);

  /** The card form the seed describes: view once, 24 h at most, card code gone at the end, 1 h after end. */
  static FormSchema compliantCardForm() {
    return FormSchema.builder("card")
        .field(Field.cardNumber("pan"))
        .field(Field.cardExpiry("exp"))
        .field(Field.cardCvc("cvc").retention(RetentionPolicy.afterConversationEnd(Duration.ZERO)
            .andMaxAge(Duration.ofHours(1))))
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }

  private static List<ComplianceRule> rules(List<ComplianceViolation> vs) {
    return vs.stream().map(ComplianceViolation::rule).toList();
  }

  @Test
  void compliantConfigurationAndForm_breakNothing_inEitherProfile() {
    CompliancePolicy both = CompliancePolicy.pciDss4().and(CompliancePolicy.hipaa());
    assertThat(both.check(GOOD)).isEmpty();
    assertThat(both.check(compliantCardForm(), Duration.ofHours(1))).isEmpty();
    assertThat(both.name()).isEqualTo("PCI DSS 4.0.1 + HIPAA 164.312");
  }

  @Test
  void everyConfigurationRule_isReportedOnItsOwn_andAllAtOnce() {
    CompliancePolicy pci = CompliancePolicy.pciDss4();
    assertThat(rules(pci.check(new Configuration(false, Duration.ofDays(400), KekOrigin.KMS, false,
        Duration.ofHours(1), true)))).containsExactly(ComplianceRule.DURABLE_JOURNAL);
    assertThat(rules(pci.check(new Configuration(true, Duration.ofDays(364), KekOrigin.KMS, false,
        Duration.ofHours(1), true)))).containsExactly(ComplianceRule.JOURNAL_RETENTION);
    for (KekOrigin weak : List.of(KekOrigin.PLAINTEXT_KEYSET, KekOrigin.UNDECLARED)) {
      assertThat(rules(pci.check(new Configuration(true, Duration.ofDays(400), weak, false,
          Duration.ofHours(1), true)))).containsExactly(ComplianceRule.PROTECTED_KEK);
    }
    assertThat(rules(pci.check(new Configuration(true, Duration.ofDays(400), KekOrigin.ENCRYPTED_KEYSET, true,
        Duration.ofHours(1), true)))).containsExactly(ComplianceRule.REVEAL_AUTHORIZER);
    assertThat(rules(pci.check(new Configuration(true, Duration.ofDays(400), KekOrigin.HSM, false,
        Duration.ofMinutes(61), true)))).containsExactly(ComplianceRule.EPOCH_WINDOW);
    assertThat(rules(pci.check(new Configuration(true, Duration.ofDays(400), KekOrigin.KMS, false,
        Duration.ofHours(1), false)))).containsExactly(ComplianceRule.TRANSCRIPTS_REDACTED);

    List<ComplianceViolation> all = pci.check(new Configuration(false, Duration.ofDays(30),
        KekOrigin.PLAINTEXT_KEYSET, true, Duration.ofDays(1), false));
    assertThat(rules(all)).containsExactly(ComplianceRule.DURABLE_JOURNAL, ComplianceRule.JOURNAL_RETENTION,
        ComplianceRule.PROTECTED_KEK, ComplianceRule.REVEAL_AUTHORIZER, ComplianceRule.EPOCH_WINDOW,
        ComplianceRule.TRANSCRIPTS_REDACTED);
    ComplianceException e = new ComplianceException(pci.name(), all);
    assertThat(e.getMessage()).contains("6 rules broken", "PCI DSS 4.0.1 10.5.1", "journalRetention",
        "keyEncryptionKey(kek, KekOrigin.KMS)", "epochWindow(Duration.ofHours(1))");
  }

  @Test
  void hipaa_doesNotAskForPciOnlyRules() {
    CompliancePolicy hipaa = CompliancePolicy.hipaa();
    assertThat(hipaa.check(new Configuration(true, Duration.ofDays(30), KekOrigin.KMS, false,
        Duration.ofHours(1), true))).isEmpty();
    FormSchema manyViews = FormSchema.builder("card").field(Field.cardNumber("pan"))
        .revealPolicy(RevealPolicy.views(3))
        .retention(RetentionPolicy.maxAge(Duration.ofDays(3)).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
    assertThat(hipaa.check(manyViews, Duration.ofHours(1))).isEmpty();
    assertThat(rules(CompliancePolicy.pciDss4().check(manyViews, Duration.ofHours(1))))
        .containsExactly(ComplianceRule.CARD_NUMBER_VIEW_ONCE, ComplianceRule.CARD_NUMBER_VIEW_ONCE);
  }

  @Test
  void cardCode_keptPastTheEnd_orPastItsEpoch_isReportedWithTheField() {
    FormSchema keptPastEnd = FormSchema.builder("card").field(Field.cardNumber("pan"))
        .field(Field.cardCvc("cvc"))
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
    List<ComplianceViolation> vs = CompliancePolicy.pciDss4().check(keptPastEnd, Duration.ofHours(1));
    assertThat(rules(vs)).containsExactly(ComplianceRule.CARD_CODE_PURGE, ComplianceRule.CARD_CODE_PURGE);
    assertThat(vs.get(0).where()).isEqualTo("form card v1 field cvc");
    assertThat(vs.get(0).found()).isEqualTo("purged PT1H after the end");
    assertThat(vs.get(1).found()).contains("kept up to PT24H", "longer than the epoch window PT1H");
  }

  @Test
  void sensitiveForm_withoutAConversationEndPurge_orLongerThanADay_isReported() {
    FormSchema noEnd = FormSchema.builder("ssn").field(Field.usSsn("ssn")).build();
    assertThat(rules(CompliancePolicy.hipaa().check(noEnd, Duration.ofHours(1))))
        .containsExactly(ComplianceRule.CONVERSATION_END_PURGE);
    FormSchema twoDays = FormSchema.builder("ssn").field(Field.usSsn("ssn"))
        .retention(RetentionPolicy.maxAge(Duration.ofDays(3)).andAfterConversationEnd(Duration.ofDays(2)))
        .build();
    assertThat(CompliancePolicy.hipaa().check(twoDays, Duration.ofHours(1)))
        .singleElement().satisfies(v -> assertThat(v.found()).isEqualTo("purged PT48H after the end"));
    FormSchema oneDay = FormSchema.builder("ssn").field(Field.usSsn("ssn"))
        .retention(RetentionPolicy.maxAge(Duration.ofDays(3)).andAfterConversationEnd(Duration.ofDays(1)))
        .build();
    assertThat(CompliancePolicy.hipaa().check(oneDay, Duration.ofHours(1))).isEmpty();
  }

  @Test
  void webhookEndpoints_mustBeHttps() {
    CompliancePolicy pci = CompliancePolicy.pciDss4();
    assertThat(pci.checkWebhookEndpoint("crm", URI.create("https://crm.example/hooks"))).isEmpty();
    assertThat(pci.checkWebhookEndpoint("crm", URI.create("http://crm.example/hooks")))
        .singleElement().satisfies(v -> assertThat(v.rule()).isEqualTo(ComplianceRule.SIGNED_WEBHOOKS));
  }
}
