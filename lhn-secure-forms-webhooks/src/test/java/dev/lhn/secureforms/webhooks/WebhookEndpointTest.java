package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class WebhookEndpointTest {
  @Test
  void toString_showsNoSecretPathOrQuery() {
    WebhookSecret s = WebhookSecret.generate();
    WebhookEndpoint e = WebhookEndpoint.builder("desk", URI.create("https://desk.example:8443/hooks?token=abc123"))
        .secret(s).eventTypes("submission.revealed").build();
    assertEquals("WebhookEndpoint[id=desk, https://desk.example:8443, secrets=1, types=1]", e.toString());
    assertFalse(e.toString().contains(s.reveal().substring(6)));
  }

  @Test
  void filter_emptyMeansEveryType() {
    WebhookEndpoint all = WebhookEndpoint.builder("a", URI.create("https://x.example")).secret(WebhookSecret.generate()).build();
    WebhookEndpoint some = WebhookEndpoint.builder("b", URI.create("https://x.example")).secret(WebhookSecret.generate())
        .eventTypes("submission.purged").build();
    assertTrue(all.accepts("anything"));
    assertTrue(some.accepts("submission.purged"));
    assertFalse(some.accepts("submission.revealed"));
  }

  @Test
  void badInput_namedWithTheRule() {
    assertEquals("endpoint id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, got 'a b'",
        assertThrows(IllegalArgumentException.class,
            () -> WebhookEndpoint.builder("a b", URI.create("https://x.example"))).getMessage());
    assertEquals("endpoint e: the address must be https (or http), got scheme ftp",
        assertThrows(IllegalArgumentException.class,
            () -> WebhookEndpoint.builder("e", URI.create("ftp://x.example"))).getMessage());
    assertEquals("endpoint e: the address must not carry user info",
        assertThrows(IllegalArgumentException.class,
            () -> WebhookEndpoint.builder("e", URI.create("https://user:pw@x.example/"))).getMessage());
    assertEquals("endpoint e needs at least one secret: call secret(...)",
        assertThrows(IllegalStateException.class,
            () -> WebhookEndpoint.builder("e", URI.create("https://x.example")).build()).getMessage());
    WebhookSecret s = WebhookSecret.generate();
    assertEquals("endpoint e: this secret was already added", assertThrows(IllegalArgumentException.class,
        () -> WebhookEndpoint.builder("e", URI.create("https://x.example")).secret(s).secret(s)).getMessage());
  }
}
