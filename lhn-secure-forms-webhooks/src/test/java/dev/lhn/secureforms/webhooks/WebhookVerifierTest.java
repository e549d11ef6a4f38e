package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.webhooks.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
  // The test vector of the Standard Webhooks reference libraries (libraries/java WebhookTest.verifyWebhookSignWorks).
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SPEC_TS = 1614265330L;
  private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private final ManualClock clock = new ManualClock(Instant.ofEpochSecond(SPEC_TS));

  private WebhookVerifier verifier(String... secrets) {
    WebhookVerifier.Builder b = WebhookVerifier.builder().clock(clock);
    for (String s : secrets) {
      b.secret(WebhookSecret.parse(s));
    }
    return b.build();
  }

  @Test
  void specVector_signsAsTheReferenceLibraries() {
    assertEquals(SPEC_SIGNATURE, WebhookSigner.sign(SPEC_ID, SPEC_TS, SPEC_BODY, List.of(WebhookSecret.parse(SPEC_SECRET))));
  }

  @Test
  void specVector_verifies() {
    assertEquals(SPEC_ID, verifier(SPEC_SECRET).verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY));
  }

  @Test
  void headersMap_namesAreCaseInsensitive() {
    Map<String, List<String>> headers = Map.of("Webhook-Id", List.of(SPEC_ID), "WEBHOOK-TIMESTAMP",
        List.of(Long.toString(SPEC_TS)), "webhook-signature", List.of(SPEC_SIGNATURE));
    assertEquals(SPEC_ID, verifier(SPEC_SECRET).verify(headers, SPEC_BODY));
  }

  @Test
  void severalSignatures_anyValidOneVerifies() {
    String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= "
        + SPEC_SIGNATURE + " v1,notbase64!!";
    assertEquals(SPEC_ID, verifier(SPEC_SECRET).verify(SPEC_ID, Long.toString(SPEC_TS), header, SPEC_BODY));
  }

  @Test
  void rotation_aRequestSignedWithOldAndNewVerifiesWithEither() {
    WebhookSecret old = WebhookSecret.generate();
    WebhookSecret fresh = WebhookSecret.generate();
    String header = WebhookSigner.sign("id-1", SPEC_TS, SPEC_BODY, List.of(old, fresh));
    assertEquals(2, header.split(" ").length);
    for (WebhookSecret s : List.of(old, fresh)) {
      WebhookVerifier v = WebhookVerifier.builder().clock(clock).secret(s).build();
      assertEquals("id-1", v.verify("id-1", Long.toString(SPEC_TS), header, SPEC_BODY));
    }
    WebhookVerifier other = WebhookVerifier.builder().clock(clock).secret(WebhookSecret.generate()).build();
    assertEquals(Reason.SIGNATURE_MISMATCH, assertThrows(WebhookVerificationException.class,
        () -> other.verify("id-1", Long.toString(SPEC_TS), header, SPEC_BODY)).reason());
  }

  @Test
  void tamperedBodyIdOrTimestamp_mismatch() {
    WebhookVerifier v = verifier(SPEC_SECRET);
    byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertEquals(Reason.SIGNATURE_MISMATCH, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, tampered)).reason());
    assertEquals(Reason.SIGNATURE_MISMATCH, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID + "x", Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY)).reason());
    assertEquals(Reason.SIGNATURE_MISMATCH, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS + 1), SPEC_SIGNATURE, SPEC_BODY)).reason());
  }

  @Test
  void missingHeaders_namedInTheMessage() {
    WebhookVerifier v = verifier(SPEC_SECRET);
    String ts = Long.toString(SPEC_TS);
    WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
        () -> v.verify(null, ts, SPEC_SIGNATURE, SPEC_BODY));
    assertEquals(Reason.MISSING_HEADER, e.reason());
    assertEquals("MISSING_HEADER: the webhook-id header is missing", e.getMessage());
    assertEquals("MISSING_HEADER: the webhook-timestamp header is missing", assertThrows(
        WebhookVerificationException.class, () -> v.verify(SPEC_ID, " ", SPEC_SIGNATURE, SPEC_BODY)).getMessage());
    assertEquals("MISSING_HEADER: the webhook-signature header is missing", assertThrows(
        WebhookVerificationException.class, () -> v.verify(Map.of("webhook-id", List.of(SPEC_ID),
            "webhook-timestamp", List.of(ts)), SPEC_BODY)).getMessage());
  }

  @Test
  void malformedTimestampOrNoV1Signature_typed() {
    WebhookVerifier v = verifier(SPEC_SECRET);
    assertEquals(Reason.MALFORMED_TIMESTAMP, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, "2021-02-25T15:02:10Z", SPEC_SIGNATURE, SPEC_BODY)).reason());
    assertEquals(Reason.NO_V1_SIGNATURE, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            SPEC_BODY)).reason());
    assertEquals(Reason.NO_V1_SIGNATURE, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), "invalid_signature", SPEC_BODY)).reason());
    assertEquals(Reason.SIGNATURE_MISMATCH, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), "v1,invalid_signature", SPEC_BODY)).reason());
  }

  @Test
  void tolerance_fiveMinutesEitherWayByDefault() {
    WebhookVerifier v = verifier(SPEC_SECRET);
    clock.set(Instant.ofEpochSecond(SPEC_TS).plus(Duration.ofMinutes(5)));
    v.verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY); // exactly at the limit
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Reason.TIMESTAMP_TOO_OLD, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY)).reason());
    clock.set(Instant.ofEpochSecond(SPEC_TS).minus(Duration.ofMinutes(5)));
    v.verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY);
    clock.advance(Duration.ofSeconds(-1));
    assertEquals(Reason.TIMESTAMP_TOO_NEW, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY)).reason());
  }

  @Test
  void tolerance_configurable() {
    WebhookVerifier v = WebhookVerifier.builder().clock(clock).secret(WebhookSecret.parse(SPEC_SECRET))
        .tolerance(Duration.ofSeconds(30)).build();
    clock.advance(Duration.ofSeconds(31));
    assertEquals(Reason.TIMESTAMP_TOO_OLD, assertThrows(WebhookVerificationException.class,
        () -> v.verify(SPEC_ID, Long.toString(SPEC_TS), SPEC_SIGNATURE, SPEC_BODY)).reason());
    assertEquals("tolerance must be at least 1 second, got PT0.5S", assertThrows(IllegalArgumentException.class,
        () -> WebhookVerifier.builder().tolerance(Duration.ofMillis(500))).getMessage());
  }

  @Test
  void failureMessages_quoteNoSecretSignatureOrBody() {
    WebhookVerifier v = verifier(SPEC_SECRET);
    String secretPart = SPEC_SECRET.substring("whsec_".length());
    for (String[] call : new String[][] {{SPEC_ID, "x", SPEC_SIGNATURE}, {SPEC_ID, "1", SPEC_SIGNATURE},
        {SPEC_ID, Long.toString(SPEC_TS), "v1,AAAA"}, {SPEC_ID, Long.toString(SPEC_TS), "v9," + secretPart}}) {
      String m = assertThrows(WebhookVerificationException.class,
          () -> v.verify(call[0], call[1], call[2], SPEC_BODY)).getMessage();
      assertFalse(m.contains(secretPart) || m.contains("2432232314") || m.contains("g0hM9SsE") || m.contains("AAAA"), m);
    }
    assertEquals("WebhookVerifier[secrets=1, tolerance=PT5M]", v.toString());
  }

  @Test
  void builder_needsASecret() {
    assertEquals("a verifier needs at least one secret: call secret(...)",
        assertThrows(IllegalStateException.class, () -> WebhookVerifier.builder().build()).getMessage());
  }
}
