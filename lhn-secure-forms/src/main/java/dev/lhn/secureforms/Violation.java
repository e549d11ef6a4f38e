package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

/**
 * One broken validation rule: the field it concerns, a stable machine-readable rule code (for example
 * {@code "luhn"}, {@code "required"}, {@code "max-length"}) and a human-readable message. Neither the
 * code nor the message ever contains the submitted value.
 *
 * @param field the field name, or {@code "*"} for a rule about the whole submission
 * @param rule the rule code, stable across releases (documented in the README)
 * @param message an English sentence for the visitor or the log, without the value
 */
public record Violation(String field, String rule, String message) {
  /**
   * Checks that no component is null.
   *
   * @param field the field name, or {@code "*"} for a rule about the whole submission
   * @param rule the rule code, stable across releases (documented in the README)
   * @param message an English sentence for the visitor or the log, without the value
   */
  public Violation {
    requireNonNull(field, "field");
    requireNonNull(rule, "rule");
    requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message + " [" + rule + "]";
  }
}
