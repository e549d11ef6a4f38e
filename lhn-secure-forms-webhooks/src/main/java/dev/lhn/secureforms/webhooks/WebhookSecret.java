package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret: {@code whsec_} followed by the base64 of the HMAC-SHA256 key bytes.
 * The key must be at least {@value #MIN_BYTES} bytes long (the spec allows 24 to 64).
 *
 * <p>Holds key bytes: a final class, not a record. {@link #toString()} says {@code <redacted>}, equality is
 * constant-time, and neither a parse failure's message nor anything else quotes the secret.
 */
public final class WebhookSecret {
  /** The prefix of the textual form. */
  public static final String PREFIX = "whsec_";
  /** The shortest key accepted, in bytes. */
  public static final int MIN_BYTES = 24;
  /** The longest key accepted, in bytes. */
  public static final int MAX_BYTES = 64;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  /**
   * Parses {@code whsec_<base64>}.
   *
   * @param text the secret as the endpoint's owner was given it
   * @return the secret
   * @throws IllegalArgumentException if the prefix is missing, the rest is not base64, or the key is shorter
   *     than {@value #MIN_BYTES} or longer than {@value #MAX_BYTES} bytes (the message never quotes the text)
   */
  public static WebhookSecret parse(String text) {
    requireNonNull(text, "secret");
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a webhook secret must start with '" + PREFIX + "'");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a webhook secret must be '" + PREFIX + "' followed by standard base64");
    }
    return ofBytes(key);
  }

  /**
   * A secret from raw key bytes (copied).
   *
   * @param key the HMAC key, {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes
   * @return the secret
   * @throws IllegalArgumentException if the key is too short or too long
   */
  public static WebhookSecret ofBytes(byte[] key) {
    requireNonNull(key, "key");
    if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
      throw new IllegalArgumentException("a webhook secret must hold " + MIN_BYTES + " to " + MAX_BYTES
          + " key bytes, got " + key.length);
    }
    return new WebhookSecret(key.clone());
  }

  /** {@return a new random 32-byte secret} */
  public static WebhookSecret generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new WebhookSecret(key);
  }

  /**
   * {@return the textual form {@code whsec_<base64>}, to hand to the endpoint's owner once}
   */
  public String reveal() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The key bytes themselves; only the signer and verifier of this package read them. */
  byte[] key() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret other && MessageDigest.isEqual(key, other.key);
  }

  @Override
  public int hashCode() {
    return WebhookSecret.class.hashCode(); // constant: the key bytes leak through no hash
  }

  /** {@return {@code WebhookSecret[<redacted>]}} */
  @Override
  public String toString() {
    return "WebhookSecret[<redacted>]";
  }
}
