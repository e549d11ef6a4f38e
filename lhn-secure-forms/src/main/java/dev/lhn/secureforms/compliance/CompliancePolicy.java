package dev.lhn.secureforms.compliance;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.schema.Classification;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FieldType;
import dev.lhn.secureforms.schema.FormSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A compliance profile: the rules a configuration and its forms must keep. Given to
 * {@code SecureForms.Builder.compliance(policy)}, it makes {@code build()} refuse a configuration that
 * breaks a rule, listing every broken rule with its controls and the option to change, and {@code submit}
 * refuse a form that breaks a form rule (nothing stored). See {@code docs/COMPLIANCE.md} for each rule, the
 * controls it serves and the tests that show it.
 *
 * <pre>{@code
 * SecureForms.builder()
 *     .compliance(CompliancePolicy.pciDss4().and(CompliancePolicy.hipaa()))
 *     ...
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class CompliancePolicy {
  /** The longest epoch window a profile accepts. */
  public static final Duration LONGEST_EPOCH_WINDOW = Duration.ofHours(1);
  /** The shortest journal retention PCI DSS 4.0.1 10.5.1 accepts (12 months). */
  public static final Duration SHORTEST_JOURNAL_RETENTION = Duration.ofDays(365);
  /** The longest a card number may be kept. */
  public static final Duration LONGEST_CARD_NUMBER_AGE = Duration.ofHours(24);
  /** The longest a form with sensitive fields may outlive its conversation. */
  public static final Duration LONGEST_AFTER_CONVERSATION_END = Duration.ofDays(1);

  private static final Set<ComplianceRule> PCI = EnumSet.of(ComplianceRule.DURABLE_JOURNAL,
      ComplianceRule.JOURNAL_RETENTION, ComplianceRule.PROTECTED_KEK, ComplianceRule.REVEAL_AUTHORIZER,
      ComplianceRule.EPOCH_WINDOW, ComplianceRule.TRANSCRIPTS_REDACTED,
      ComplianceRule.CARD_NUMBER_VIEW_ONCE, ComplianceRule.CARD_CODE_PURGE, ComplianceRule.CONVERSATION_END_PURGE,
      ComplianceRule.SIGNED_WEBHOOKS);
  private static final Set<ComplianceRule> HIPAA = EnumSet.of(ComplianceRule.DURABLE_JOURNAL,
      ComplianceRule.PROTECTED_KEK, ComplianceRule.REVEAL_AUTHORIZER, ComplianceRule.EPOCH_WINDOW,
      ComplianceRule.TRANSCRIPTS_REDACTED,
      ComplianceRule.CONVERSATION_END_PURGE, ComplianceRule.SIGNED_WEBHOOKS);

  private final String name;
  private final Set<ComplianceRule> rules;

  private CompliancePolicy(String name, Set<ComplianceRule> rules) {
    this.name = name;
    this.rules = Collections.unmodifiableSet(EnumSet.copyOf(rules));
  }

  /** {@return the PCI DSS 4.0.1 profile: every rule of {@link ComplianceRule}} */
  public static CompliancePolicy pciDss4() {
    return new CompliancePolicy("PCI DSS 4.0.1", PCI);
  }

  /** {@return the HIPAA Security Rule (45 CFR 164.312) profile} */
  public static CompliancePolicy hipaa() {
    return new CompliancePolicy("HIPAA 164.312", HIPAA);
  }

  /**
   * {@return a profile with the rules of both}
   *
   * @param other another profile
   */
  public CompliancePolicy and(CompliancePolicy other) {
    requireNonNull(other, "other");
    EnumSet<ComplianceRule> both = EnumSet.copyOf(rules);
    both.addAll(other.rules);
    return new CompliancePolicy(name + " + " + other.name, both);
  }

  /** {@return the profile's name, such as {@code "PCI DSS 4.0.1 + HIPAA 164.312"}} */
  public String name() {
    return name;
  }

  /** {@return the rules this profile checks} */
  public Set<ComplianceRule> rules() {
    return rules;
  }

  /**
   * What the builder knows about a configuration, for {@link #check(Configuration)}.
   *
   * @param durableStore whether submissions and the journal are in a durable store
   * @param journalRetention how long journal records are kept
   * @param kekOrigin where the key-encryption key lives, as declared
   * @param allowAllAuthorizer whether reveals go through {@code RevealAuthorizer.ALLOW_ALL}
   * @param epochWindow the epoch window
   * @param transcriptRedaction whether a transcript detector is configured
   */
  public record Configuration(boolean durableStore, Duration journalRetention, KekOrigin kekOrigin,
      boolean allowAllAuthorizer, Duration epochWindow, boolean transcriptRedaction) {
    /**
     * Checks that no component is null.
     *
     * @param durableStore whether the store is durable
     * @param journalRetention how long journal records are kept
     * @param kekOrigin where the key-encryption key lives
     * @param allowAllAuthorizer whether the authorizer is allow-all
     * @param epochWindow the epoch window
     * @param transcriptRedaction whether a transcript detector is configured
     */
    public Configuration {
      requireNonNull(journalRetention, "journalRetention");
      requireNonNull(kekOrigin, "kekOrigin");
      requireNonNull(epochWindow, "epochWindow");
    }
  }

  /**
   * Checks a configuration against this profile's configuration rules.
   *
   * @param c the configuration
   * @return every broken rule, in the order of {@link ComplianceRule}; empty if none
   */
  public List<ComplianceViolation> check(Configuration c) {
    requireNonNull(c, "configuration");
    List<ComplianceViolation> out = new ArrayList<>();
    if (has(ComplianceRule.DURABLE_JOURNAL) && !c.durableStore()) {
      out.add(new ComplianceViolation(ComplianceRule.DURABLE_JOURNAL, "store", "an in-memory store"));
    }
    if (has(ComplianceRule.JOURNAL_RETENTION) && c.journalRetention().compareTo(SHORTEST_JOURNAL_RETENTION) < 0) {
      out.add(new ComplianceViolation(ComplianceRule.JOURNAL_RETENTION, "journalRetention",
          c.journalRetention().toDays() + " days"));
    }
    if (has(ComplianceRule.PROTECTED_KEK) && !c.kekOrigin().isProtected()) {
      out.add(new ComplianceViolation(ComplianceRule.PROTECTED_KEK, "keyEncryptionKey",
          "origin " + c.kekOrigin()));
    }
    if (has(ComplianceRule.REVEAL_AUTHORIZER) && c.allowAllAuthorizer()) {
      out.add(new ComplianceViolation(ComplianceRule.REVEAL_AUTHORIZER, "revealAuthorizer",
          "RevealAuthorizer.ALLOW_ALL (the default)"));
    }
    if (has(ComplianceRule.EPOCH_WINDOW) && c.epochWindow().compareTo(LONGEST_EPOCH_WINDOW) > 0) {
      out.add(new ComplianceViolation(ComplianceRule.EPOCH_WINDOW, "epochWindow", c.epochWindow().toString()));
    }
    if (has(ComplianceRule.TRANSCRIPTS_REDACTED) && !c.transcriptRedaction()) {
      out.add(new ComplianceViolation(ComplianceRule.TRANSCRIPTS_REDACTED, "transcriptRedaction", "not set"));
    }
    return out;
  }

  /**
   * Checks a form against this profile's form rules.
   *
   * @param form the form
   * @param epochWindow the configuration's epoch window (a card code may not outlive its epoch)
   * @return every broken rule, field by field; empty if none
   */
  public List<ComplianceViolation> check(FormSchema form, Duration epochWindow) {
    requireNonNull(form, "form");
    requireNonNull(epochWindow, "epochWindow");
    List<ComplianceViolation> out = new ArrayList<>();
    String where = "form " + form.formId() + " v" + form.version();
    Duration formMaxAge = form.retention().maxAge();
    Duration formAfterEnd = form.retention().afterConversationEnd();
    boolean sensitive = false;
    for (Field f : form.fields()) {
      String at = where + " field " + f.name();
      FieldType type = f.type();
      sensitive |= f.classification() != Classification.NONE;
      Duration maxAge = earlier(formMaxAge, f.retention().maxAge());
      Duration afterEnd = earlier(formAfterEnd, f.retention().afterConversationEnd());
      if (has(ComplianceRule.CARD_NUMBER_VIEW_ONCE) && type == FieldType.CARD_NUMBER) {
        if (form.revealPolicy().maxViews() != 1) {
          out.add(new ComplianceViolation(ComplianceRule.CARD_NUMBER_VIEW_ONCE, at,
              "the form allows " + form.revealPolicy().maxViews() + " views"));
        }
        if (maxAge == null || maxAge.compareTo(LONGEST_CARD_NUMBER_AGE) > 0) {
          out.add(new ComplianceViolation(ComplianceRule.CARD_NUMBER_VIEW_ONCE, at,
              "kept up to " + (maxAge == null ? "no maximum age" : maxAge.toString())));
        }
      }
      if (has(ComplianceRule.CARD_CODE_PURGE) && type == FieldType.CARD_CVC) {
        if (afterEnd == null || !afterEnd.isZero()) {
          out.add(new ComplianceViolation(ComplianceRule.CARD_CODE_PURGE, at,
              afterEnd == null ? "not purged when the conversation ends" : "purged " + afterEnd + " after the end"));
        }
        if (maxAge == null || maxAge.compareTo(epochWindow) > 0) {
          out.add(new ComplianceViolation(ComplianceRule.CARD_CODE_PURGE, at,
              "kept up to " + (maxAge == null ? "no maximum age" : maxAge.toString())
                  + ", longer than the epoch window " + epochWindow));
        }
      }
    }
    if (has(ComplianceRule.CONVERSATION_END_PURGE) && sensitive
        && (formAfterEnd == null || formAfterEnd.compareTo(LONGEST_AFTER_CONVERSATION_END) > 0)) {
      out.add(new ComplianceViolation(ComplianceRule.CONVERSATION_END_PURGE, where,
          formAfterEnd == null ? "not purged when the conversation ends" : "purged " + formAfterEnd + " after the end"));
    }
    return out;
  }

  /**
   * Checks a webhook endpoint's address: events may leave only over TLS (the relay always signs).
   *
   * @param endpointId the endpoint's id, for the message
   * @param uri the endpoint's address
   * @return the broken rule, or an empty list
   */
  public List<ComplianceViolation> checkWebhookEndpoint(String endpointId, java.net.URI uri) {
    requireNonNull(endpointId, "endpointId");
    requireNonNull(uri, "uri");
    if (has(ComplianceRule.SIGNED_WEBHOOKS) && !"https".equalsIgnoreCase(uri.getScheme())) {
      return List.of(new ComplianceViolation(ComplianceRule.SIGNED_WEBHOOKS, "webhook endpoint " + endpointId,
          "scheme " + uri.getScheme()));
    }
    return List.of();
  }

  private boolean has(ComplianceRule rule) {
    return rules.contains(rule);
  }

  private static Duration earlier(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public String toString() {
    return "CompliancePolicy[" + name + ", " + rules.size() + " rules]";
  }
}
