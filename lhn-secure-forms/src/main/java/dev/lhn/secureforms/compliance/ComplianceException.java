package dev.lhn.secureforms.compliance;

import dev.lhn.secureforms.SecureFormsException;
import java.util.List;

/**
 * A configuration or a form breaks rules of the compliance profile given to the builder. Thrown by
 * {@code SecureForms.Builder.build()} (listing every broken configuration rule and the rules broken by the
 * declared forms) and by {@code submit} for a form that breaks a form rule (nothing is stored).
 */
public final class ComplianceException extends SecureFormsException {
  private static final long serialVersionUID = 1L;

  /** The broken rules, in the order checked; not serialized. */
  private final transient List<ComplianceViolation> violations;

  /**
   * An exception listing {@code violations}.
   *
   * @param profile the profile's name, such as {@code "PCI DSS 4.0.1"}
   * @param violations at least one broken rule
   */
  public ComplianceException(String profile, List<ComplianceViolation> violations) {
    super(message(profile, violations));
    this.violations = List.copyOf(violations);
  }

  private static String message(String profile, List<ComplianceViolation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a compliance exception needs at least one violation");
    }
    StringBuilder b = new StringBuilder(profile).append(": ").append(violations.size())
        .append(violations.size() == 1 ? " rule broken" : " rules broken");
    for (ComplianceViolation v : violations) {
      b.append("\n  - ").append(v.describe());
    }
    return b.toString();
  }

  /** {@return every broken rule} */
  public List<ComplianceViolation> violations() {
    return violations == null ? List.of() : violations;
  }
}
