package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSecretTest {
  @Test
  void parse_roundTripsThroughReveal() {
    WebhookSecret s = WebhookSecret.generate();
    assertEquals(s, WebhookSecret.parse(s.reveal()));
    assertNotEquals(s, WebhookSecret.generate());
    assertEquals(32, Base64.getDecoder().decode(s.reveal().substring(6)).length);
  }

  @Test
  void shortSecret_refusedWithoutQuotingIt() {
    String short23 = "whsec_" + Base64.getEncoder().encodeToString(new byte[23]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebhookSecret.parse(short23));
    assertEquals("a webhook secret must hold 24 to 64 key bytes, got 23", e.getMessage());
    WebhookSecret.parse("whsec_" + Base64.getEncoder().encodeToString(new byte[24]));
    assertEquals("a webhook secret must hold 24 to 64 key bytes, got 65",
        assertThrows(IllegalArgumentException.class, () -> WebhookSecret.ofBytes(new byte[65])).getMessage());
  }

  @Test
  void prefixAndBase64_required() {
    String raw = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    assertEquals("a webhook secret must start with 'whsec_'",
        assertThrows(IllegalArgumentException.class, () -> WebhookSecret.parse(raw)).getMessage());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WebhookSecret.parse("whsec_" + raw + "!!"));
    assertEquals("a webhook secret must be 'whsec_' followed by standard base64", e.getMessage());
  }

  @Test
  void toString_redacted() {
    assertEquals("WebhookSecret[<redacted>]", WebhookSecret.generate().toString());
  }

  @Test
  void ofBytes_copiesTheKey() {
    byte[] key = new byte[32];
    WebhookSecret s = WebhookSecret.ofBytes(key);
    key[0] = 1;
    assertEquals(WebhookSecret.ofBytes(new byte[32]), s);
  }
}
