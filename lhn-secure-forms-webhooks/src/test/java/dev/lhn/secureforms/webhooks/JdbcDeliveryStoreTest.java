package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.testing.ManualClock;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The delivery store's contract on real PostgreSQL and MariaDB, and on H2; and the relay over a JDBC outbox. */
class JdbcDeliveryStoreTest {
  private final Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
  private DataSource ds;
  private String prefix;

  @AfterEach
  void drop() {
    if (ds != null) {
      TestDatabase.dropTables(ds, prefix);
    }
  }

  private JdbcDeliveryStore store(TestDatabase db) {
    ds = db.require();
    prefix = TestDatabase.uniquePrefix("wh");
    return JdbcDeliveryStore.builder(ds).tablePrefix(prefix).createSchema().build();
  }

  private static List<Delivery> deliveries(int n, String endpoint, Instant at) {
    List<Delivery> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Delivery.pending(UUID.randomUUID(), endpoint, "submission.revealed", "{\"i\":" + i + "}", at));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void enqueue_isIdempotentOnMessageAndEndpoint(TestDatabase db) {
    JdbcDeliveryStore store = store(db);
    List<Delivery> list = deliveries(3, "desk", t0);
    store.enqueue(list, t0);
    store.enqueue(list, t0.plusSeconds(5));
    store.enqueue(List.of(Delivery.pending(list.get(0).messageId(), "other", "t", "{}", t0)), t0);
    assertEquals(4L, store.counts().get(DeliveryStatus.PENDING));
    Delivery claimed = store.claim(1, t0, Duration.ofMinutes(1)).get(0);
    assertTrue(store.delivered(claimed, t0));
    store.enqueue(list, t0);
    assertEquals(DeliveryStatus.DELIVERED, store.state(claimed.messageId(), claimed.endpointId()).orElseThrow().status(),
        "a re-drain leaves a delivered delivery delivered");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void claim_leasesUntilTheLeaseEnds_andCountsAttempts(TestDatabase db) {
    JdbcDeliveryStore store = store(db);
    List<Delivery> list = deliveries(3, "desk", t0);
    store.enqueue(list, t0);
    List<Delivery> first = store.claim(10, t0, Duration.ofMinutes(1));
    assertEquals(3, first.size());
    assertEquals(List.of(1, 1, 1), first.stream().map(Delivery::attempt).toList());
    assertEquals(List.of(), store.claim(10, t0.plusSeconds(59), Duration.ofMinutes(1)), "leased");
    List<Delivery> again = store.claim(10, t0.plusSeconds(60), Duration.ofMinutes(1));
    assertEquals(3, again.size(), "a dead claimer's deliveries come back after the lease");
    assertEquals(List.of(2, 2, 2), again.stream().map(Delivery::attempt).toList());
    assertEquals(list.get(0).body(), again.stream().filter(d -> d.messageId().equals(list.get(0).messageId()))
        .findFirst().orElseThrow().body());
    assertFalse(store.delivered(first.get(0), t0.plusSeconds(61)), "the stale claim's outcome is ignored");
    assertTrue(store.retry(again.get(0), t0.plusSeconds(300), "HTTP 500", t0.plusSeconds(61)));
    DeliveryState st = store.state(again.get(0).messageId(), "desk").orElseThrow();
    assertEquals(new DeliveryState(DeliveryStatus.PENDING, 2, t0.plusSeconds(300), "HTTP 500"), st);
    assertTrue(store.failed(again.get(1), "timeout", t0.plusSeconds(61)));
    assertEquals(DeliveryStatus.FAILED, store.state(again.get(1).messageId(), "desk").orElseThrow().status());
    assertFalse(store.retry(again.get(1), t0, "x", t0), "a finished delivery takes no outcome");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void concurrentClaimers_neverGetTheSameDelivery(TestDatabase db) throws Exception {
    JdbcDeliveryStore store = store(db);
    JdbcDeliveryStore second = JdbcDeliveryStore.builder(ds).tablePrefix(prefix).build();
    store.enqueue(deliveries(200, "desk", t0), t0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Delivery>>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JdbcDeliveryStore s = i % 2 == 0 ? store : second;
        Callable<List<Delivery>> claimer = () -> {
          List<Delivery> mine = new ArrayList<>();
          for (int round = 0; round < 30; round++) {
            mine.addAll(s.claim(7, t0, Duration.ofMinutes(5)));
          }
          return mine;
        };
        futures.add(pool.submit(claimer));
      }
      Set<UUID> seen = new HashSet<>();
      int total = 0;
      for (Future<List<Delivery>> f : futures) {
        for (Delivery d : f.get()) {
          total++;
          assertTrue(seen.add(d.messageId()), "claimed twice: " + d);
        }
      }
      assertEquals(200, total);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void disableEndpoint_cancelsItsPending_andEnableForgetsIt(TestDatabase db) {
    JdbcDeliveryStore store = store(db);
    store.enqueue(deliveries(2, "gone", t0), t0);
    store.enqueue(deliveries(1, "fine", t0), t0);
    store.disableEndpoint("gone", "HTTP 410 Gone", t0);
    store.disableEndpoint("gone", "HTTP 410 Gone", t0.plusSeconds(1));
    assertEquals(Set.of("gone"), store.disabledEndpoints());
    assertEquals(2L, store.counts().get(DeliveryStatus.CANCELLED));
    assertEquals(List.of("fine"), store.claim(10, t0, Duration.ofMinutes(1)).stream().map(Delivery::endpointId).toList());
    store.enableEndpoint("gone");
    assertEquals(Set.of(), store.disabledEndpoints());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void missingTables_namedWithTheDdl(TestDatabase db) {
    ds = db.require();
    prefix = TestDatabase.uniquePrefix("wh");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JdbcDeliveryStore.builder(ds).tablePrefix(prefix).build());
    assertTrue(e.getMessage().startsWith("table " + prefix + "webhook_deliveries does not exist"), e.getMessage());
    assertTrue(e.getMessage().contains("JdbcDeliveryStore.ddl("), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void relayOverAJdbcOutbox_flakyReceiver_everyEventDeliveredOnce(TestDatabase db) throws Exception {
    JdbcDeliveryStore store = store(db);
    JdbcOutbox outbox = new JdbcOutbox(ds, prefix);
    ManualClock clock = new ManualClock(t0);
    WebhookSecret secret = WebhookSecret.generate();
    List<OutboxMessage> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(outbox.insert("submission.revealed", "{\"submission\":\"s-" + i + "\"}", t0));
    }
    try (Receiver r = new Receiver(WebhookVerifier.builder().clock(clock).secret(secret).build(),
            (n, id) -> n % 3 == 0 ? new Receiver.Status(500) : n % 7 == 0 ? new Receiver.Close()
                : new Receiver.Status(200));
        WebhookRelay relay = WebhookRelay.builder().outbox(outbox).deliveryStore(store).clock(clock)
            .endpoint(WebhookEndpoint.builder("desk", r.uri()).secret(secret).build())
            .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
            .requestTimeout(Duration.ofSeconds(5)).drainBatch(7).claimBatch(8).threads(3)
            .random(new SplittableRandom(1)).build()) {
      for (int i = 0; i < 40 && store.counts().get(DeliveryStatus.DELIVERED) < 20; i++) {
        relay.runOnce();
        clock.advance(Duration.ofDays(1));
      }
      assertEquals(0, outbox.count(), "the outbox is drained");
      assertEquals(20L, store.counts().get(DeliveryStatus.DELIVERED));
      Set<String> ids = new HashSet<>();
      for (Receiver.Request q : r.requests()) {
        assertTrue(q.verified(), q.failure());
        ids.add(q.id());
      }
      assertEquals(sent.stream().map(m -> m.id().toString()).collect(java.util.stream.Collectors.toSet()), ids);
    }
  }
}
