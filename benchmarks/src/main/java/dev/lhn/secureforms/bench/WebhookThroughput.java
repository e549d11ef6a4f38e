package dev.lhn.secureforms.bench;

import com.sun.net.httpserver.HttpServer;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.webhooks.Delivery;
import dev.lhn.secureforms.webhooks.DeliveryStore;
import dev.lhn.secureforms.webhooks.InMemoryDeliveryStore;
import dev.lhn.secureforms.webhooks.JdbcDeliveryStore;
import dev.lhn.secureforms.webhooks.WebhookEndpoint;
import dev.lhn.secureforms.webhooks.WebhookRelay;
import dev.lhn.secureforms.webhooks.WebhookSecret;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A small harness (not JMH: the figure is a rate and a latency distribution of a whole pipeline, not a
 * per-operation time) for the webhook relay's delivery throughput to a local receiver and its lag under load:
 * <ul>
 *   <li><b>burst</b>: N events committed to the outbox at once, then the relay started: events per second from
 *       start to the last 2xx;
 *   <li><b>steady</b>: events committed at a fixed rate for a while with the relay running: lag from commit to the
 *       receiver's 2xx (p50, p99, max).
 * </ul>
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.lhn.secureforms.bench.WebhookThroughput memory|postgresql}.
 * The receiver answers 204 at once, on the loopback interface, with 8 threads; the relay runs 4 sender threads.
 */
public final class WebhookThroughput {
  private WebhookThroughput() {}

  public static void main(String[] args) throws Exception {
    String store = args.length > 0 ? args[0] : "memory";
    int burst = Integer.getInteger("bench.webhooks.burst", 5000);
    int rate = Integer.getInteger("bench.webhooks.rate", 200);
    int seconds = Integer.getInteger("bench.webhooks.seconds", 15);
    AtomicInteger received = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/hooks", ex -> {
      ex.getRequestBody().readAllBytes();
      received.incrementAndGet();
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
    try {
      for (String scenario : List.of("burst", "steady")) {
        BenchDataSource ds = store.equals("postgresql") ? Databases.open("postgresql", 10, "")
            : null;
        String prefix = "lsf_whb_" + Long.toString(System.nanoTime() % 1_000_000, 36) + "_";
        try {
          BenchOutbox outbox = ds == null ? new MemoryBenchOutbox() : new JdbcBenchOutbox(ds, prefix);
          DeliveryStore deliveries = ds == null ? new InMemoryDeliveryStore()
              : JdbcDeliveryStore.builder(ds).tablePrefix(prefix).createSchema().build();
          ConcurrentLinkedQueue<Long> lagsMicros = new ConcurrentLinkedQueue<>();
          WebhookRelay relay = WebhookRelay.builder().outbox(outbox).deliveryStore(deliveries)
              .endpoint(WebhookEndpoint.builder("bench", URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                  + "/hooks")).secret(WebhookSecret.generate()).build())
              .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
              .threads(4).drainBatch(200).claimBatch(100).pollInterval(Duration.ofMillis(10))
              .listener(new WebhookRelay.Listener() {
                @Override
                public void delivered(Delivery d, int status, Duration lag) {
                  lagsMicros.add(lag.toNanos() / 1000);
                }
              }).build();
          received.set(0);
          if (scenario.equals("burst")) {
            for (int i = 0; i < burst; i++) {
              outbox.add("submission.revealed", "{\"submission\":\"s-" + i + "\",\"operator\":\"op-7\"}");
            }
            long t0 = System.nanoTime();
            relay.start();
            while (lagsMicros.size() < burst) {
              Thread.sleep(5);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            relay.close();
            System.out.printf(Locale.ROOT, "%s burst: %d events delivered in %.2f s = %.0f events/s%n", store, burst,
                secs, burst / secs);
          } else {
            relay.start();
            int total = rate * seconds;
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
              long due = t0 + (long) (i * 1e9 / rate);
              long wait = due - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              }
              outbox.add("submission.revealed", "{\"submission\":\"s-" + i + "\",\"operator\":\"op-7\"}");
            }
            while (lagsMicros.size() < total) {
              Thread.sleep(5);
            }
            relay.close();
            long[] lags = lagsMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%s steady %d events/s for %d s: lag commit -> 2xx p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", store, rate, seconds, pct(lags, 0.50), pct(lags, 0.99), lags[lags.length - 1] / 1000.0);
          }
        } finally {
          if (ds != null) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
              for (String t : List.of("outbox", "webhook_deliveries", "webhook_endpoints")) {
                s.execute("DROP TABLE IF EXISTS " + prefix + t);
              }
            }
            ds.close();
          }
        }
      }
    } finally {
      server.stop(0);
      System.exit(0);
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
  }

  /** The one clock the harness's outboxes stamp messages with. */
  private static final InstantSource CLOCK = InstantSource.system();

  private interface BenchOutbox extends Outbox {
    void add(String type, String payload);
  }

  /** The outbox in memory: removes only after the sink returned. */
  private static final class MemoryBenchOutbox implements BenchOutbox {
    private final List<OutboxMessage> messages = new ArrayList<>();

    @Override
    public synchronized void add(String type, String payload) {
      messages.add(new OutboxMessage(UUID.randomUUID(), "submission", "s", type, payload, CLOCK.instant()));
    }

    @Override
    public synchronized int drain(int limit, Consumer<List<OutboxMessage>> sink) {
      if (messages.isEmpty()) {
        return 0;
      }
      List<OutboxMessage> batch = List.copyOf(messages.subList(0, Math.min(limit, messages.size())));
      sink.accept(batch);
      messages.subList(0, batch.size()).clear();
      return batch.size();
    }
  }

  /** An outbox table with Debezium's columns on PostgreSQL, drained under FOR UPDATE SKIP LOCKED. */
  private static final class JdbcBenchOutbox implements BenchOutbox {
    private final BenchDataSource ds;
    private final String table;

    JdbcBenchOutbox(BenchDataSource ds, String prefix) throws SQLException {
      this.ds = ds;
      this.table = prefix + "outbox";
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE " + table + " (seq BIGSERIAL PRIMARY KEY, id CHAR(36) NOT NULL, aggregatetype "
            + "VARCHAR(64) NOT NULL, aggregateid VARCHAR(255) NOT NULL, type VARCHAR(128) NOT NULL, payload TEXT NOT "
            + "NULL, created_at BIGINT NOT NULL)");
      }
    }

    @Override
    public void add(String type, String payload) {
      try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
          + " (id, aggregatetype, aggregateid, type, payload, created_at) VALUES (?, 'submission', 's', ?, ?, ?)")) {
        c.setAutoCommit(true);
        ps.setString(1, UUID.randomUUID().toString());
        ps.setString(2, type);
        ps.setString(3, payload);
        ps.setLong(4, CLOCK.millis());
        ps.executeUpdate();
      } catch (SQLException e) {
        throw new StoreException("insert", e.getSQLState());
      }
    }

    @Override
    public int drain(int limit, Consumer<List<OutboxMessage>> sink) {
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        try {
          List<OutboxMessage> batch = new ArrayList<>();
          List<Long> seqs = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement("SELECT seq, id, type, payload, created_at FROM " + table
              + " ORDER BY created_at, seq LIMIT ? FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                seqs.add(rs.getLong(1));
                batch.add(new OutboxMessage(UUID.fromString(rs.getString(2)), "submission", "s", rs.getString(3),
                    rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))));
              }
            }
          }
          if (batch.isEmpty()) {
            c.rollback();
            return 0;
          }
          sink.accept(batch);
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE seq = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("bigint", seqs.toArray()));
            ps.executeUpdate();
          }
          c.commit();
          return batch.size();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new StoreException("drain", e.getSQLState());
      }
    }
  }
}
