package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

/**
 * Who asks to reveal a submission: the host product's operator id, recorded in events and the audit log.
 * Not a secret; keep it an opaque id rather than a name or an e-mail address.
 *
 * @param operatorId 1 to 128 characters, no control characters
 */
public record Viewer(String operatorId) {
  public Viewer {
    requireNonNull(operatorId, "operatorId");
    if (operatorId.isEmpty() || operatorId.length() > 128) {
      throw new IllegalArgumentException(
          "operatorId must have 1 to 128 characters, got " + operatorId.length());
    }
    if (operatorId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("operatorId must not contain control characters");
    }
  }

  public static Viewer of(String operatorId) {
    return new Viewer(operatorId);
  }
}
