package dev.lhn.secureforms.sealed;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A public key browsers seal to: HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * AES-256-GCM. Its private half is protected by the key hierarchy ({@code docs/KEYS.md}, key class
 * {@code hpke}).
 *
 * @param keyId the key's id, such as {@code 29431440-1440} (window start and length in minutes)
 * @param publicKey the raw 32-byte X25519 public key, base64url without padding
 * @param usedFrom the start of its rotation window: new form requests name it from then on
 * @param acceptedUntil when payloads sealed to it stop being accepted: its window's end plus the grace
 */
public record SealingKey(String keyId, String publicKey, Instant usedFrom, Instant acceptedUntil) {
  /** The HPKE suite, as the published key document names it. */
  public static final String SUITE = "DHKEM_X25519_HKDF_SHA256/HKDF_SHA256/AES_256_GCM";

  /**
   * Checks every component.
   *
   * @param keyId the key's id
   * @param publicKey the public key, base64url
   * @param usedFrom the start of its window
   * @param acceptedUntil when it stops being accepted
   */
  public SealingKey {
    requireNonNull(keyId, "keyId");
    requireNonNull(publicKey, "publicKey");
    requireNonNull(usedFrom, "usedFrom");
    requireNonNull(acceptedUntil, "acceptedUntil");
  }

  /** {@return this key as a JSON object: {@code kid}, {@code suite}, {@code x}, {@code usedFrom}, {@code acceptedUntil}} */
  public String toJson() {
    return "{\"kid\":\"" + keyId + "\",\"suite\":\"" + SUITE + "\",\"x\":\"" + publicKey + "\",\"usedFrom\":\""
        + usedFrom + "\",\"acceptedUntil\":\"" + acceptedUntil + "\"}";
  }
}
