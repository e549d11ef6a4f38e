package dev.lhn.secureforms;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A submission broke one or more rules of its form. Every violation is reported at once; nothing was
 * stored. The message lists field names and rules, never a value.
 */
public final class InvalidSubmissionException extends SecureFormsException {
  private static final long serialVersionUID = 1L;
  /** The form whose rules were broken. */
  private final String formId;
  private final transient List<Violation> violations;

  /**
   * A rejected submission of {@code formId}.
   *
   * @param formId the form
   * @param violations every broken rule, at least one; copied
   */
  public InvalidSubmissionException(String formId, List<Violation> violations) {
    super(message(formId, violations));
    this.formId = formId;
    this.violations = List.copyOf(violations);
  }

  private static String message(String formId, List<Violation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidSubmissionException needs at least one violation");
    }
    return "form '" + formId + "' rejected " + violations.size()
        + (violations.size() == 1 ? " value: " : " values: ")
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** {@return the form whose rules were broken} */
  public String formId() {
    return formId;
  }

  /** {@return the broken rules, in field order, at least one} */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * The violations of one field, possibly empty.
   *
   * @param field a field name
   * @return that field's violations, in order
   */
  public List<Violation> violationsOf(String field) {
    return violations.stream().filter(v -> v.field().equals(field)).toList();
  }
}
