package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.DeterministicAead;
import com.google.crypto.tink.subtle.AesSiv;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * What the store keeps instead of the host's conversation id, which on SMS and e-mail channels is personal
 * data (a phone number, an address): {@code "c1." + base64url(AES-SIV(lookupKey, id, ad))}. Deterministic,
 * so the store can still find a conversation's rows by equality, and the library (only) can turn it back
 * into the host's id for events and statuses without touching any data key. Tink's AES-SIV
 * ({@link AesSiv}, RFC 5297) is a deterministic AEAD: equal ids give equal references, and a reference
 * cannot be forged or altered without the key.
 */
public final class ConversationRefs {
  /** The prefix of a reference: the format's version, and never a prefix of a plain id we made. */
  static final String PREFIX = "c1.";
  /** The longest reference: the prefix and base64url of a 16-byte tag plus a 512-byte id. */
  public static final int MAX_REF_LENGTH = PREFIX.length() + (16 + 512 + 2) / 3 * 4;
  private static final byte[] AD = "lhn-secure-forms/conversation/v1".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final DeterministicAead siv;

  /**
   * @param lookupKey the 64-byte AES-SIV key of the hierarchy's lookup class; copied, the caller wipes it
   */
  public ConversationRefs(byte[] lookupKey) {
    requireNonNull(lookupKey, "lookupKey");
    try {
      this.siv = new AesSiv(lookupKey.clone());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the lookup key must be a 64-byte AES-SIV key");
    }
  }

  /** The stored reference of a host's conversation id. */
  public String ref(String conversationId) {
    requireNonNull(conversationId, "conversationId");
    try {
      return PREFIX + B64.encodeToString(
          siv.encryptDeterministically(conversationId.getBytes(StandardCharsets.UTF_8), AD));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-SIV failed on a conversation id", e);
    }
  }

  /** The reference's raw bytes, as the envelope's policy authenticates them. */
  public static byte[] refBytes(String ref) {
    return ref.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The host's conversation id behind a stored value: the id itself when the value is no reference of
   * this key (a row sealed before references existed), empty when it is a reference that fails to open
   * (tampered, or made with another lookup key).
   */
  public Optional<String> hostId(String stored) {
    requireNonNull(stored, "stored");
    if (!stored.startsWith(PREFIX)) {
      return Optional.of(stored);
    }
    byte[] ct;
    try {
      ct = B64D.decode(stored.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      byte[] id = siv.decryptDeterministically(ct, AD);
      try {
        return Optional.of(new String(id, StandardCharsets.UTF_8));
      } finally {
        Arrays.fill(id, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
