package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

/**
 * Who asks to reveal a submission: the host product's operator id, recorded in events and the audit log.
 * Not a secret; keep it an opaque id rather than a name or an e-mail address.
 *
 * @param operatorId 1 to 128 characters, not blank; no control, format (bidirectional), line-separator or
 *     unpaired surrogate characters
 */
public record Viewer(String operatorId) {
  /**
   * Checks {@code operatorId} against the rules above.
   *
   * @param operatorId 1 to 128 characters, not blank; no control, format (bidirectional), line-separator or
   *     unpaired surrogate characters
   */
  public Viewer {
    requireNonNull(operatorId, "operatorId");
    if (operatorId.isEmpty() || operatorId.length() > 128) {
      throw new IllegalArgumentException(
          "operatorId must have 1 to 128 characters, got " + operatorId.length());
    }
    if (operatorId.codePoints().allMatch(Viewer::isBlankish)) {
      throw new IllegalArgumentException("operatorId must not be blank: the audit trail needs who acted");
    }
    if (operatorId.codePoints().anyMatch(cp -> Character.isISOControl(cp)
        || Character.getType(cp) == Character.FORMAT || Character.getType(cp) == Character.LINE_SEPARATOR
        || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR || Character.getType(cp) == Character.SURROGATE)) {
      throw new IllegalArgumentException("operatorId must not contain control, format (such as bidirectional"
          + " overrides), line-separator or unpaired surrogate characters");
    }
  }

  /**
   * {@return the viewer with this operator id}
   *
   * @param operatorId the host's operator id
   */
  public static Viewer of(String operatorId) {
    return new Viewer(operatorId);
  }

  /** White space of any kind, or an invisible format character (a zero-width space, say). */
  private static boolean isBlankish(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.FORMAT;
  }
}
