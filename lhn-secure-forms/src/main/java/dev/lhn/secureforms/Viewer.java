package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

/**
 * Who asks to reveal a submission, from where and why: recorded in the journal (PCI DSS 10.2.2: user
 * identification, origination, and the data concerned) and passed to the {@link RevealAuthorizer}. Not a
 * secret; keep the operator an opaque id rather than a name or an e-mail address.
 *
 * @param operatorId the host product's operator id: 1 to 128 characters, not blank; no control, format
 *     (bidirectional), line-separator or unpaired surrogate characters
 * @param origin the operator's IP address or host name as the host saw it, or {@code null}; the rules of
 *     {@code operatorId}
 * @param reason the reason for access the operator gave (a ticket number, "refund requested"), or
 *     {@code null}; a form may require one (see {@link SecureForms.Builder#requireReasonFor}); the rules of
 *     {@code operatorId}. It is recorded as given: never put a field value into it
 */
public record Viewer(String operatorId, String origin, String reason) {
  /**
   * Checks each component against the rules above.
   *
   * @param operatorId the operator id
   * @param origin the origin, or {@code null}
   * @param reason the reason for access, or {@code null}
   */
  public Viewer {
    check("operatorId", requireNonNull(operatorId, "operatorId"));
    if (origin != null) {
      check("origin", origin);
    }
    if (reason != null) {
      check("reason", reason);
    }
  }

  private static void check(String name, String value) {
    if (value.isEmpty() || value.length() > 128) {
      throw new IllegalArgumentException(name + " must have 1 to 128 characters, got " + value.length());
    }
    if (value.codePoints().allMatch(Viewer::isBlankish)) {
      throw new IllegalArgumentException(name + " must not be blank: the audit trail needs who acted");
    }
    if (value.codePoints().anyMatch(cp -> Character.isISOControl(cp)
        || Character.getType(cp) == Character.FORMAT || Character.getType(cp) == Character.LINE_SEPARATOR
        || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR || Character.getType(cp) == Character.SURROGATE)) {
      throw new IllegalArgumentException(name + " must not contain control, format (such as bidirectional"
          + " overrides), line-separator or unpaired surrogate characters");
    }
  }

  /**
   * {@return the viewer with this operator id, no origin and no reason}
   *
   * @param operatorId the host's operator id
   */
  public static Viewer of(String operatorId) {
    return new Viewer(operatorId, null, null);
  }

  /**
   * {@return a viewer with all three}
   *
   * @param operatorId the host's operator id
   * @param origin the operator's IP address or host name, or {@code null}
   * @param reason the reason for access, or {@code null}
   */
  public static Viewer of(String operatorId, String origin, String reason) {
    return new Viewer(operatorId, origin, reason);
  }

  /**
   * {@return this viewer with an origin}
   *
   * @param origin the operator's IP address or host name
   */
  public Viewer withOrigin(String origin) {
    return new Viewer(operatorId, requireNonNull(origin, "origin"), reason);
  }

  /**
   * {@return this viewer with a reason for access}
   *
   * @param reason why the operator needs the data
   */
  public Viewer withReason(String reason) {
    return new Viewer(operatorId, origin, requireNonNull(reason, "reason"));
  }

  /** White space of any kind, or an invisible format character (a zero-width space, say). */
  private static boolean isBlankish(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.FORMAT;
  }
}
