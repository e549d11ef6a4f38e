package dev.lhn.secureforms.compliance;

import static java.util.Objects.requireNonNull;

/**
 * One broken rule: which, where (the option, or the form and field), and what was found. Never a value.
 *
 * @param rule the broken rule
 * @param where the option or {@code form <id> v<version> field <name>} concerned
 * @param found what the configuration or form has instead, in words
 */
public record ComplianceViolation(ComplianceRule rule, String where, String found) {
  /**
   * Checks that no component is null.
   *
   * @param rule the broken rule
   * @param where the option or form and field concerned
   * @param found what was found instead
   */
  public ComplianceViolation {
    requireNonNull(rule, "rule");
    requireNonNull(where, "where");
    requireNonNull(found, "found");
  }

  /** {@return one line: rule, controls, where, what was found, and the option to change} */
  public String describe() {
    return rule + " (" + String.join(", ", rule.controls()) + ") at " + where + ": " + found + "; change: "
        + rule.remedy();
  }

  @Override
  public String toString() {
    return describe();
  }
}
