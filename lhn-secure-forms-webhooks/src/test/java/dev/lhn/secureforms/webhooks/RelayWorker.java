package dev.lhn.secureforms.webhooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The relay in a JVM of its own, for {@link RelayKillTest}: drains the PostgreSQL outbox into the JDBC delivery
 * store and posts to the test's receiver until it is killed. Args: JDBC URL, table prefix, receiver port, secret.
 */
public final class RelayWorker {
  private RelayWorker() {}

  public static void main(String[] args) throws Exception {
    DataSource ds = new TestDatabase.UrlDataSource(args[0]);
    String prefix = args[1];
    WebhookRelay relay = WebhookRelay.builder()
        .outbox(new JdbcOutbox(ds, prefix))
        .deliveryStore(JdbcDeliveryStore.builder(ds).tablePrefix(prefix).createSchema().build())
        .endpoint(WebhookEndpoint.builder("desk", URI.create("http://127.0.0.1:" + args[2] + "/hooks"))
            .secret(WebhookSecret.parse(args[3])).build())
        .httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build())
        .requestTimeout(Duration.ofSeconds(2)).lease(Duration.ofSeconds(3))
        .schedule(RetrySchedule.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 10_000))
        .pollInterval(Duration.ofMillis(20)).threads(4).drainBatch(50).claimBatch(40)
        .build();
    relay.start();
    System.out.println("READY");
    Thread.sleep(Long.MAX_VALUE);
  }
}
