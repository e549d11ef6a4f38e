package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 signatures: {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>},
 * one per active secret, separated by spaces in the {@code webhook-signature} header.
 */
public final class WebhookSigner {
  /** The signature scheme's version tag. */
  public static final String VERSION = "v1";

  private WebhookSigner() {}

  /**
   * {@return the {@code webhook-signature} header value: one {@code v1,<base64>} per secret, space-separated}
   *
   * @param id the {@code webhook-id}
   * @param timestampSeconds the {@code webhook-timestamp} (unix seconds)
   * @param body the exact body bytes sent
   * @param secrets the endpoint's active secrets, at least one
   */
  public static String sign(String id, long timestampSeconds, byte[] body, List<WebhookSecret> secrets) {
    requireNonNull(id, "id");
    requireNonNull(body, "body");
    requireNonNull(secrets, "secrets");
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("secrets must hold at least one secret");
    }
    StringBuilder b = new StringBuilder();
    for (WebhookSecret s : secrets) {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(VERSION).append(',').append(Base64.getEncoder().encodeToString(mac(s, id, timestampSeconds, body)));
    }
    return b.toString();
  }

  /** HMAC-SHA256 over {@code id.timestamp.body}. */
  static byte[] mac(WebhookSecret secret, String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is in every JDK: this is our bug or a broken JDK, never the caller's input.
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
