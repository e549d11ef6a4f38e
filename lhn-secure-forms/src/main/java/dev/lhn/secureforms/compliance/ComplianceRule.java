package dev.lhn.secureforms.compliance;

import java.util.List;

/**
 * One rule a compliance profile checks: an id, the controls it serves, and the option to change when it is
 * broken. {@link #scope()} says where it is checked: against the builder's configuration, per form (at build
 * time for the forms declared to the builder, and on every {@code submit}), or by the webhook relay.
 */
public enum ComplianceRule {
  /** The journal outlives a restart: a durable store, not the in-memory one. */
  DURABLE_JOURNAL(Scope.CONFIGURATION, List.of("PCI DSS 4.0.1 10.2.1.1", "PCI DSS 4.0.1 10.3.4", "HIPAA 164.312(b)"),
      "use a durable store (JdbcSubmissionStore): the in-memory store's journal ends with the JVM"),
  /** Journal records are kept at least 12 months. */
  JOURNAL_RETENTION(Scope.CONFIGURATION, List.of("PCI DSS 4.0.1 10.5.1"),
      "journalRetention(Duration.ofDays(365)) or longer"),
  /** The key-encryption key is held by a KMS or HSM, or is a keyset encrypted by one. */
  PROTECTED_KEK(Scope.CONFIGURATION, List.of("PCI DSS 4.0.1 3.5.1", "PCI DSS 4.0.1 3.6.1", "PCI DSS 4.0.1 3.7",
      "HIPAA 164.312(a)(2)(iv)"),
      "keyEncryptionKey(kek, KekOrigin.KMS), HSM or ENCRYPTED_KEYSET; a plaintext or undeclared keyset fails"),
  /** Reveals go through an authorizer the host wrote, not {@code RevealAuthorizer.ALLOW_ALL}. */
  REVEAL_AUTHORIZER(Scope.CONFIGURATION, List.of("PCI DSS 4.0.1 7.2.1", "HIPAA 164.312(a)(1)", "HIPAA 164.312(d)",
      "seed: shown to an authorised operator"),
      "revealAuthorizer(...) with the host's access rules"),
  /** Epoch keys cover at most one hour, so that a crypto-shred reaches every copy within the hour. */
  EPOCH_WINDOW(Scope.CONFIGURATION, List.of("PCI DSS 4.0.1 3.2.1", "NIST SP 800-88r2 cryptographic erase"),
      "epochWindow(Duration.ofHours(1)) or shorter"),
  /** Chat transcripts pass through the sensitive-text detector before they are stored or sent. */
  TRANSCRIPTS_REDACTED(Scope.CONFIGURATION, List.of("PCI DSS 4.0.1 3.4.1", "seed: nothing in transcripts, e-mail or events"),
      "transcriptRedaction(SensitiveText.defaults()) and redact transcripts with SecureForms.redact"),
  /** A form with a card number is view-once and kept at most 24 hours. */
  CARD_NUMBER_VIEW_ONCE(Scope.FORM, List.of("PCI DSS 4.0.1 3.2.1", "seed: viewing purges", "seed: maximum age"),
      "revealPolicy(RevealPolicy.viewOnce()) and a maximum age of at most 24 hours"),
  /**
   * A card code is purged when the conversation ends (or earlier, at authorisation, with
   * {@code purgeField}) and never outlives its epoch.
   */
  CARD_CODE_PURGE(Scope.FORM, List.of("PCI DSS 4.0.1 3.3.1", "PCI DSS 4.0.1 3.3.1.2", "NIST SP 800-88r2 cryptographic erase"),
      "give the card code field RetentionPolicy.afterConversationEnd(Duration.ZERO) with a maximum age no longer"
          + " than the epoch window, and call purgeField at authorisation"),
  /** Every form with sensitive fields is purged at most one day after its conversation ends. */
  CONVERSATION_END_PURGE(Scope.FORM, List.of("PCI DSS 4.0.1 3.2.1", "HIPAA 164.312(a)(1)",
      "seed: purge when the chat completes, 1 hour or 1 day after"),
      "retention(RetentionPolicy.afterConversationEnd(...)) of at most one day"),
  /** Events leave only as signed webhooks over TLS: every endpoint https, with a {@code whsec_} secret. */
  SIGNED_WEBHOOKS(Scope.WEBHOOKS, List.of("PCI DSS 4.0.1 4.2.1", "HIPAA 164.312(c)(1)", "HIPAA 164.312(e)(1)",
      "seed: over an encrypted channel"),
      "give every WebhookEndpoint an https URI (the relay signs every delivery; it has no unsigned mode)");

  /** Where a rule is checked. */
  public enum Scope {
    /** Against the builder's configuration, by {@code build()}. */
    CONFIGURATION,
    /** Per form: at build time for declared forms, and on every submit. */
    FORM,
    /** By the webhook relay's builder, for each endpoint. */
    WEBHOOKS
  }

  private final Scope scope;
  private final List<String> controls;
  private final String remedy;

  ComplianceRule(Scope scope, List<String> controls, String remedy) {
    this.scope = scope;
    this.controls = controls;
    this.remedy = remedy;
  }

  /** {@return where the rule is checked} */
  public Scope scope() {
    return scope;
  }

  /** {@return the controls (PCI DSS 4.0.1, HIPAA 164.312, NIST SP 800-88r2, the seed's settings) it serves} */
  public List<String> controls() {
    return controls;
  }

  /** {@return the option to change when the rule is broken} */
  public String remedy() {
    return remedy;
  }
}
