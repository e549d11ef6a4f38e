package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.compliance.ComplianceException;
import dev.lhn.secureforms.compliance.CompliancePolicy;
import dev.lhn.secureforms.compliance.ComplianceRule;
import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.webhooks.Receiver.Answer;
import dev.lhn.secureforms.webhooks.Receiver.Close;
import dev.lhn.secureforms.webhooks.Receiver.Stall;
import dev.lhn.secureforms.webhooks.Receiver.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookRelayTest {
  /** A canary no id, hash or timestamp can contain: it must appear in bodies (it is metadata) but in no log. */
  private static final String PAYLOAD_CANARY = "opzqwkvmtrnbxlse";

  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final WebhookSecret secret = WebhookSecret.generate();
  private final MemoryOutbox outbox = new MemoryOutbox();
  private final InMemoryDeliveryStore store = new InMemoryDeliveryStore();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Receiver receiver(BiFunction<Integer, String, Answer> behaviour) throws Exception {
    Receiver r = new Receiver(WebhookVerifier.builder().clock(clock).secret(secret).build(), behaviour);
    closeables.add(r);
    return r;
  }

  private WebhookEndpoint endpoint(String id, Receiver r) {
    return WebhookEndpoint.builder(id, r.uri()).secret(secret).build();
  }

  private WebhookRelay.Builder relay() {
    return WebhookRelay.builder().outbox(outbox).deliveryStore(store).clock(clock)
        .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build())
        .requestTimeout(Duration.ofMillis(400)).lease(Duration.ofMinutes(2)).random(new SplittableRandom(7));
  }

  private List<OutboxMessage> events(int n) {
    List<OutboxMessage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(outbox.add("submission.revealed", "{\"submission\":\"s-" + i + "\",\"operator\":\"op-7\",\"note\":\""
          + PAYLOAD_CANARY + "\"}", clock.instant()));
    }
    return out;
  }

  /** Runs until nothing is pending, moving the clock a day ahead between runs (past every retry delay). */
  private void runToQuiet(WebhookRelay relay) {
    for (int i = 0; i < 40; i++) {
      relay.runOnce();
      if (store.counts().get(DeliveryStatus.PENDING) == 0 && outbox.size() == 0) {
        return;
      }
      clock.advance(Duration.ofDays(1));
    }
    throw new AssertionError("still pending after 40 runs: " + store.counts());
  }

  private static String expectedBody(OutboxMessage m) {
    return "{\"type\":\"" + m.type() + "\",\"timestamp\":\"" + m.createdAt() + "\",\"data\":" + m.payload() + "}";
  }

  @Test
  void flakyReceiver_500TimeoutAndClosedConnectionThenRecovers_everyEventArrivesVerifiedWithStableIds()
      throws Exception {
    Receiver r = receiver((n, id) -> n <= 4 ? new Status(500) : n <= 7 ? new Stall(1500) : n <= 10 ? new Close()
        : new Status(204));
    List<OutboxMessage> sent = events(8);
    try (CapturedLogs logs = new CapturedLogs()) {
      WebhookRelay relay = relay().endpoint(endpoint("desk", r)).threads(2).build();
      closeables.add(relay);
      runToQuiet(relay);

      Map<String, OutboxMessage> byId = sent.stream().collect(Collectors.toMap(m -> m.id().toString(), m -> m));
      List<Receiver.Request> requests = r.requests();
      assertTrue(requests.size() > sent.size(), "failures made retries: " + requests.size());
      Set<String> accepted = new HashSet<>();
      Map<String, Set<String>> timestamps = new HashMap<>();
      for (Receiver.Request q : requests) {
        assertTrue(q.verified(), "signature verifies: " + q.failure());
        assertTrue(byId.containsKey(q.id()), "only outbox ids arrive: " + q.id());
        assertEquals(expectedBody(byId.get(q.id())), q.bodyText(), "the body is the outbox's, the same on every try");
        timestamps.computeIfAbsent(q.id(), k -> new HashSet<>()).add(q.headers().get("webhook-timestamp").get(0));
        if (q.answer() instanceof Status s && s.code() == 204) {
          accepted.add(q.id());
        }
      }
      assertEquals(byId.keySet(), accepted, "every event arrived");
      for (OutboxMessage m : sent) {
        DeliveryState st = store.state(m.id(), "desk").orElseThrow();
        assertEquals(DeliveryStatus.DELIVERED, st.status());
      }
      assertTrue(timestamps.values().stream().anyMatch(t -> t.size() > 1), "a retry carries its own timestamp");
      Set<String> lastErrors = new HashSet<>();
      for (OutboxMessage m : sent) {
        String e = store.state(m.id(), "desk").orElseThrow().lastError();
        if (e != null) {
          lastErrors.add(e.startsWith("connection failed") ? "connection failed" : e);
        }
      }
      assertTrue(lastErrors.containsAll(Set.of("HTTP 500", "timeout")), "failures recorded: " + lastErrors);
      assertNoLeaks(logs.lines());
    }
  }

  private void assertNoLeaks(List<String> lines) {
    assertFalse(lines.isEmpty(), "the relay logs its attempts at DEBUG");
    String key = secret.reveal().substring(WebhookSecret.PREFIX.length());
    for (String line : lines) {
      assertFalse(line.contains(key) || line.contains(PAYLOAD_CANARY) || line.contains("127.0.0.1"),
          "a log line quotes a secret, a body or an address: " + line);
    }
  }

  @Test
  void headersAndBody_carryOnlyWhatTheOutboxGave() throws Exception {
    Receiver r = receiver((n, id) -> new Status(200));
    OutboxMessage m = events(1).get(0);
    WebhookRelay relay = relay().endpoint(endpoint("desk", r)).build();
    closeables.add(relay);
    relay.runOnce();
    Receiver.Request q = r.requests().get(0);
    assertEquals(m.id().toString(), q.id());
    assertEquals(Long.toString(clock.instant().getEpochSecond()), q.headers().get("webhook-timestamp").get(0));
    assertEquals(Set.of("content-length", "content-type", "host", "user-agent", "webhook-id", "webhook-signature",
        "webhook-timestamp"), q.headers().keySet());
    assertEquals("application/json", q.headers().get("content-type").get(0));
    assertEquals(expectedBody(m), q.bodyText());
  }

  @Test
  void gone410_disablesTheEndpoint_cancelsItsPending_andSendsItNothingMore() throws Exception {
    Receiver gone = receiver((n, id) -> new Status(410));
    Receiver fine = receiver((n, id) -> new Status(200));
    List<String> disabledIds = new ArrayList<>();
    WebhookRelay relay = relay().endpoint(endpoint("gone", gone)).endpoint(endpoint("fine", fine)).threads(1)
        .claimBatch(1).listener(new WebhookRelay.Listener() {
          @Override
          public void endpointDisabled(String endpointId) {
            disabledIds.add(endpointId);
          }
        }).build();
    closeables.add(relay);
    List<OutboxMessage> first = events(3);
    runToQuiet(relay);
    List<OutboxMessage> later = events(2);
    runToQuiet(relay);

    assertEquals(1, gone.requests().size(), "one 410, then nothing");
    assertEquals(List.of("gone"), disabledIds);
    assertEquals(Set.of("gone"), store.disabledEndpoints());
    assertEquals(5, fine.requests().size());
    long cancelled = first.stream().filter(m -> store.state(m.id(), "gone").orElseThrow().status()
        == DeliveryStatus.CANCELLED).count();
    assertEquals(3, cancelled, "the one answered 410 and the two not yet attempted are cancelled");
    for (OutboxMessage m : later) {
      assertTrue(store.state(m.id(), "gone").isEmpty(), "no delivery to a disabled endpoint");
    }
  }

  @Test
  void lastAttemptFails_recordedFailedAndLoggedWithoutSecrets() throws Exception {
    Receiver r = receiver((n, id) -> new Status(503));
    OutboxMessage m = events(1).get(0);
    try (CapturedLogs logs = new CapturedLogs()) {
      WebhookRelay relay = relay().endpoint(endpoint("desk", r))
          .schedule(RetrySchedule.fixed(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)))).build();
      closeables.add(relay);
      runToQuiet(relay);
      assertEquals(3, r.requests().size());
      DeliveryState st = store.state(m.id(), "desk").orElseThrow();
      assertEquals(new DeliveryState(DeliveryStatus.FAILED, 3, st.nextAttemptAt(), "HTTP 503"), st);
      assertTrue(logs.lines().stream().anyMatch(l -> l.contains("WARNING") && l.contains(m.id().toString())
          && l.contains("failed after 3 attempts (last: HTTP 503)")), logs.lines().toString());
      assertNoLeaks(logs.lines());
    }
  }

  @Test
  void redrainAfterACrashBeforeTheOutboxRemovedItsRows_addsNothing() throws Exception {
    Receiver r = receiver((n, id) -> new Status(200));
    List<OutboxMessage> sent = events(5);
    WebhookRelay relay = relay().endpoint(endpoint("desk", r)).build();
    closeables.add(relay);
    outbox.crashBeforeRemovalOnce();
    assertThrows(StoreException.class, relay::runOnce);
    assertEquals(5, store.counts().get(DeliveryStatus.PENDING), "the sink stored them before the crash");
    runToQuiet(relay);
    assertEquals(5, store.counts().get(DeliveryStatus.DELIVERED));
    assertEquals(sent.stream().map(m -> m.id().toString()).sorted().toList(),
        r.requests().stream().map(Receiver.Request::id).sorted().toList(), "each event once");
  }

  @Test
  void eventTypeFilter_andDisabledEndpoint_getNothing() throws Exception {
    Receiver r = receiver((n, id) -> new Status(200));
    Receiver off = receiver((n, id) -> new Status(200));
    WebhookRelay relay = relay()
        .endpoint(WebhookEndpoint.builder("purges", r.uri()).secret(secret).eventTypes("submission.purged").build())
        .endpoint(WebhookEndpoint.builder("off", off.uri()).secret(secret).enabled(false).build()).build();
    closeables.add(relay);
    events(2);
    OutboxMessage purged = outbox.add("submission.purged", "{\"submission\":\"s-9\"}", clock.instant());
    runToQuiet(relay);
    assertEquals(List.of(purged.id().toString()), r.requests().stream().map(Receiver.Request::id).toList());
    assertEquals(0, off.requests().size());
  }

  @Test
  void payloadThatIsNotAJsonObject_droppedWithAReason() throws Exception {
    Receiver r = receiver((n, id) -> new Status(200));
    List<UUID> rejected = new ArrayList<>();
    WebhookRelay relay = relay().endpoint(endpoint("desk", r)).listener(new WebhookRelay.Listener() {
      @Override
      public void rejected(UUID messageId, String rule) {
        rejected.add(messageId);
      }
    }).build();
    closeables.add(relay);
    OutboxMessage bad = outbox.add("submission.revealed", "[1,2]", clock.instant());
    runToQuiet(relay);
    assertEquals(List.of(bad.id()), rejected);
    assertEquals(0, r.requests().size());
  }

  @Test
  void compliance_refusesPlainHttpEndpointsListingEach() throws Exception {
    Receiver r = receiver((n, id) -> new Status(200));
    ComplianceException e = assertThrows(ComplianceException.class, () -> relay().endpoint(endpoint("a", r))
        .endpoint(endpoint("b", r)).compliance(CompliancePolicy.pciDss4()).build());
    assertEquals(2, e.violations().size());
    assertEquals(ComplianceRule.SIGNED_WEBHOOKS, e.violations().get(0).rule());
    assertTrue(e.getMessage().contains("webhook endpoint a") && e.getMessage().contains("webhook endpoint b"),
        e.getMessage());
    assertFalse(e.getMessage().contains(secret.reveal().substring(6)));
    WebhookRelay ok = relay().endpoint(WebhookEndpoint.builder("tls", URI.create("https://desk.example/hooks"))
        .secret(secret).build()).compliance(CompliancePolicy.hipaa()).build();
    ok.close();
  }

  @Test
  void builder_namesMissingAndConflictingOptions() {
    WebhookEndpoint e = WebhookEndpoint.builder("desk", URI.create("https://desk.example")).secret(secret).build();
    assertEquals("outbox is required: call outbox(...)",
        assertThrows(IllegalStateException.class, () -> WebhookRelay.builder().build()).getMessage());
    assertEquals("at least one endpoint is required: call endpoint(...)", assertThrows(IllegalStateException.class,
        () -> WebhookRelay.builder().outbox(outbox).deliveryStore(store).build()).getMessage());
    assertEquals("lease PT5S must exceed requestTimeout PT10S", assertThrows(IllegalStateException.class,
        () -> WebhookRelay.builder().outbox(outbox).deliveryStore(store).endpoint(e).lease(Duration.ofSeconds(5))
            .build()).getMessage());
    assertEquals("threads was already set to 2",
        assertThrows(IllegalStateException.class, () -> WebhookRelay.builder().threads(2).threads(3)).getMessage());
    assertEquals("endpoint id 'desk' was already added",
        assertThrows(IllegalArgumentException.class, () -> WebhookRelay.builder().endpoint(e).endpoint(e)).getMessage());
    assertEquals("claimBatch must be at least 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> WebhookRelay.builder().claimBatch(0)).getMessage());
  }

  @Test
  void start_deliversInTheBackground_andCloseStops() throws Exception {
    Receiver r = receiver((n, id) -> new Status(200));
    WebhookRelay relay = WebhookRelay.builder().outbox(outbox).deliveryStore(store).endpoint(endpoint("desk", r))
        .pollInterval(Duration.ofMillis(20)).build();
    // the receiver verifies against the manual clock: keep it at the system's time for this one
    clock.set(Instant.now());
    events(3);
    relay.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (store.counts().get(DeliveryStatus.DELIVERED) < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    relay.close();
    assertEquals(3, store.counts().get(DeliveryStatus.DELIVERED));
    assertEquals("the relay was closed", assertThrows(IllegalStateException.class, relay::runOnce).getMessage());
  }
}
