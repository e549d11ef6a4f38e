package dev.lhn.secureforms;

import dev.lhn.secureforms.compliance.ComplianceException;
import dev.lhn.secureforms.compliance.CompliancePolicy;
import dev.lhn.secureforms.compliance.ComplianceViolation;
import dev.lhn.secureforms.compliance.KekOrigin;
import dev.lhn.secureforms.internal.InMemorySubmissionStore;
import dev.lhn.secureforms.schema.FormSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compliance profile given to the builder (#14 Part 2): checks the configuration and the declared
 * forms once, in {@code build()}, and every other form the first time it is submitted.
 */
final class Compliance {
  private static final Logger LOG = LoggerFactory.getLogger(SecureForms.class);

  private final CompliancePolicy policy;
  private final Duration epochWindow;
  /** Form id and version to the verdict; a form is checked once. */
  private final Map<String, List<ComplianceViolation>> checkedForms = new ConcurrentHashMap<>();
  private String verdict;

  private Compliance(CompliancePolicy policy, Duration epochWindow) {
    this.policy = policy;
    this.epochWindow = epochWindow;
  }

  /**
   * Checks the configuration and the declared forms; throws listing every broken rule.
   *
   * @return the profile for the instance to keep, or {@code null} without one
   */
  static Compliance enforce(CompliancePolicy policy, boolean inMemoryStore, Duration journalRetention,
      KekOrigin kekOrigin, boolean allowAll, Duration epochWindow, boolean transcriptRedaction,
      List<FormSchema> forms) {
    if (policy == null) {
      return null;
    }
    Compliance c = new Compliance(policy, epochWindow);
    List<ComplianceViolation> broken = new ArrayList<>(policy.check(new CompliancePolicy.Configuration(
        !inMemoryStore, journalRetention, kekOrigin, allowAll, epochWindow, transcriptRedaction)));
    for (FormSchema f : forms) {
      broken.addAll(c.verdict(f));
    }
    if (!broken.isEmpty()) {
      throw new ComplianceException(policy.name(), broken);
    }
    c.verdict = "compliance " + policy.name() + ": the configuration and " + forms.size()
        + " declared form(s) break none of " + policy.rules().size() + " rules";
    LOG.info("{}", c.verdict);
    return c;
  }

  static boolean inMemory(Object store) {
    return store instanceof InMemorySubmissionStore;
  }

  /** Throws if {@code form} breaks a form rule; nothing has been stored yet when it is called. */
  void checkForm(FormSchema form) {
    List<ComplianceViolation> v = verdict(form);
    if (!v.isEmpty()) {
      throw new ComplianceException(policy.name(), v);
    }
  }

  private List<ComplianceViolation> verdict(FormSchema form) {
    return checkedForms.computeIfAbsent(form.formId() + "\u0000" + form.version() + "\u0000" + form.hashCode(),
        k -> List.copyOf(policy.check(form, epochWindow)));
  }

  String name() {
    return policy.name();
  }

  /** The startup verdict the builder writes to the journal. */
  String verdict() {
    return verdict;
  }
}
