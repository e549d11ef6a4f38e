package dev.lhn.secureforms.examples.chatdesk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.examples.DemoDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat desk on PostgreSQL, as {@code --jdbc-url} runs it: the URL from {@code LSF_POSTGRES_URL}, by
 * default the development machine's server. Skipped, with a message, when no server answers.
 */
class ChatDeskPostgresTest {
  private static final String URL = System.getenv().getOrDefault("LSF_POSTGRES_URL",
      "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&connectTimeout=3");
  private static final String PREFIX = "lsf_examples_";

  @TempDir
  static Path tempDir;
  static ChatDeskFixture fx;

  @BeforeAll
  static void start() {
    try (Connection c = DriverManager.getConnection(URL)) {
      c.isValid(3);
    } catch (SQLException e) {
      String why = "ChatDeskPostgresTest: no PostgreSQL at " + URL.replaceAll("\\?.*", "") + " (SQL state "
          + e.getSQLState() + "); set LSF_POSTGRES_URL to run it";
      System.out.println("SKIPPED " + why);
      Assumptions.abort(why);
    }
    fx = new ChatDeskFixture(tempDir, "chatdesk-postgres-test", DemoDatabase.url(URL, null, null), PREFIX);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void revealOnce_thenGone_thenEndAndPurge_onPostgres() throws SQLException {
    WebClient browser = new WebClient(fx.server.uri());
    SubmissionReceipt card = fx.submitCard(browser);
    assertEquals(1, rows(card), "one row in " + PREFIX + "submissions");
    Map<String, String> reveal = Map.of("csrf", browser.csrf(), "submission", card.id().toString());

    HttpResponse<String> first = browser.post("/operator/reveal", reveal);
    HttpResponse<String> second = browser.post("/operator/reveal", reveal);

    assertEquals(200, first.statusCode());
    assertTrue(first.body().contains("4242 4242 4242 4242"));
    assertEquals(410, second.statusCode());
    assertEquals(0, rows(card), "the view-once reveal deleted the row");

    String cid = fx.startConversation(browser);
    SubmissionReceipt intake = fx.submit(browser, cid,
        fx.requestForm(browser, cid, "hipaa-intake"), ChatDeskFixture.intake("Sore throat"));
    assertEquals(303, browser.post("/operator/conversations/" + cid + "/end", Map.of("csrf", browser.csrf()))
        .statusCode());
    fx.clock.advance(Duration.ofHours(1));
    assertEquals(303, browser.post("/operator/purge-due", Map.of("csrf", browser.csrf())).statusCode());
    assertEquals(0, rows(intake), "purged after the conversation ended");
  }

  private static int rows(SubmissionReceipt r) throws SQLException {
    try (Connection c = DriverManager.getConnection(URL);
        PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + PREFIX + "submissions WHERE id = ?")) {
      s.setBytes(1, r.id().toBytes());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
