package dev.lhn.secureforms.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.spi.OutboxMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay in a child JVM against PostgreSQL, killed with SIGKILL: between an event's commit and its delivery
 * (the receiver holds the request while the relay dies), and at random while 1,000 events are committed and
 * delivered. No event is lost; a redelivery carries exactly the same {@code webhook-id} and body.
 */
class RelayKillTest {
  private DataSource ds;
  private String prefix;
  private final WebhookSecret secret = WebhookSecret.generate();
  private Receiver receiver;
  private final List<Jvm> jvms = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    ds = TestDatabase.POSTGRESQL.require();
    prefix = TestDatabase.uniquePrefix("whk");
    JdbcDeliveryStore.builder(ds).tablePrefix(prefix).createSchema().build();
    receiver = new Receiver(WebhookVerifier.builder().secret(secret).build(), (n, id) -> new Receiver.Status(200));
  }

  @AfterEach
  void tearDown() {
    jvms.forEach(Jvm::close);
    if (receiver != null) {
      receiver.close();
    }
    if (ds != null) {
      TestDatabase.dropTables(ds, prefix);
    }
  }

  private Jvm startRelay() throws Exception {
    Jvm jvm = Jvm.start("relay-" + jvms.size(), RelayWorker.class, Map.of(), TestDatabase.POSTGRESQL.url(), prefix,
        Integer.toString(receiver.port()), secret.reveal());
    jvms.add(jvm);
    jvm.await("READY", 60);
    return jvm;
  }

  private void awaitRequests(Predicate<List<Receiver.Request>> done, long seconds, String what) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!done.test(receiver.requests())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + seconds + " s; requests: " + receiver.requests().size());
      }
      Thread.sleep(20);
    }
  }

  @Test
  void killedBetweenCommitAndDelivery_deliveredAfterRestartWithTheSameWebhookId() throws Exception {
    JdbcOutbox outbox = new JdbcOutbox(ds, prefix);
    OutboxMessage m = outbox.insert("submission.revealed", "{\"submission\":\"s-1\"}", Instant.now());
    String id = m.id().toString();
    receiver.behaviour((n, rid) -> n == 1 ? new Receiver.Stall(60_000) : new Receiver.Status(200));
    Jvm first = startRelay();
    awaitRequests(r -> r.size() == 1, 60, "the first attempt");
    first.kill(); // SIGKILL while the request is in flight: committed, claimed, not delivered
    startRelay();
    awaitRequests(r -> r.size() == 2, 60, "the redelivery after the lease");
    List<Receiver.Request> requests = receiver.requests();
    assertEquals(List.of(id, id), requests.stream().map(Receiver.Request::id).toList(), "exactly the same webhook-id");
    assertEquals(requests.get(0).bodyText(), requests.get(1).bodyText());
    assertTrue(requests.get(0).verified() && requests.get(1).verified());
    JdbcDeliveryStore store = JdbcDeliveryStore.builder(ds).tablePrefix(prefix).build();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (store.state(m.id(), "desk").orElseThrow().status() != DeliveryStatus.DELIVERED && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    DeliveryState st = store.state(m.id(), "desk").orElseThrow();
    assertEquals(DeliveryStatus.DELIVERED, st.status());
    assertEquals(2, st.attempts());
  }

  @Test
  void thousandEvents_randomKillsOfTheRelay_noneLost() throws Exception {
    JdbcOutbox outbox = new JdbcOutbox(ds, prefix);
    receiver.behaviour((n, rid) -> {
      try {
        Thread.sleep(ThreadLocalRandom.current().nextInt(3)); // widen the window a kill can land in
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Receiver.Status(200);
    });
    Map<String, OutboxMessage> sent = new HashMap<>();
    Thread producer = new Thread(() -> {
      try (java.sql.Connection c = ds.getConnection()) {
        for (int i = 0; i < 1000; i++) {
          OutboxMessage m = outbox.insert(c, "submission.revealed", "{\"submission\":\"s-" + i + "\"}", Instant.now());
          synchronized (sent) {
            sent.put(m.id().toString(), m);
          }
          if (i % 20 == 0) {
            Thread.sleep(40); // spread the commits over the kills
          }
        }
      } catch (java.sql.SQLException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    producer.start();
    Random random = new Random();
    int kills = 0;
    while (producer.isAlive() || kills < 5) {
      Jvm relay = startRelay();
      Thread.sleep(200 + random.nextInt(800));
      relay.kill();
      kills++;
    }
    producer.join();
    startRelay();
    Set<String> all;
    synchronized (sent) {
      all = Set.copyOf(sent.keySet());
    }
    assertEquals(1000, all.size());
    awaitRequests(r -> r.stream().map(Receiver.Request::id).collect(Collectors.toSet()).containsAll(all), 300,
        "every event arriving");
    JdbcDeliveryStore store = JdbcDeliveryStore.builder(ds).tablePrefix(prefix).build();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (store.counts().get(DeliveryStatus.DELIVERED) < 1000 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1000L, store.counts().get(DeliveryStatus.DELIVERED), store.counts().toString());
    assertEquals(0, outbox.count());

    List<Receiver.Request> requests = receiver.requests();
    Map<String, Set<String>> bodies = new HashMap<>();
    for (Receiver.Request q : requests) {
      assertTrue(q.verified(), q.failure());
      assertTrue(all.contains(q.id()), "an id the outbox never had: " + q.id());
      bodies.computeIfAbsent(q.id(), k -> new HashSet<>()).add(q.bodyText());
    }
    assertTrue(bodies.values().stream().allMatch(b -> b.size() == 1), "a duplicate carries the same body");
    System.out.println("RelayKillTest: " + kills + " kills, " + requests.size() + " requests for 1000 events, "
        + (requests.size() - all.size()) + " duplicates (same ids)");
    assertTrue(kills >= 5);
    UUID.fromString(requests.get(0).id());
  }
}
