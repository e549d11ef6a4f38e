package dev.lhn.secureforms.spring.boot;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The tiny app on the real PostgreSQL, at {@code LSF_POSTGRES_URL} or
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}: skipped with a message when it is not
 * reachable, failed when {@code CI=true} (the rule of the JDBC module's TestDatabase). Tables get a
 * unique prefix and are dropped afterwards. The epoch keys share the one DataSource (the fallback, with its
 * WARN); {@link H2ApplicationTest} gives them a DataSource of their own.
 */
@SpringBootTest(classes = TinyApp.class, properties = {
    "lhn.secure-forms.kek.uri=fake-kms://projects/test/keys/kek",
    "lhn.secure-forms.jdbc.create-schema=true",
    "lhn.secure-forms.purge.interval=1s",
    "lhn.secure-forms.health.kek-probe-cache=0s"})
class PostgresApplicationTest extends AbstractApplicationTest {
  private static final String URL = url();
  private static final String PREFIX = prefix();

  private static String url() {
    String env = System.getenv("LSF_POSTGRES_URL");
    return env != null && !env.isBlank() ? env.trim() : "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  }

  private static String prefix() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder b = new StringBuilder("lsf_boot_");
    for (int i = 0; i < 6; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.append('_').toString();
  }

  @BeforeAll
  static void requirePostgres() {
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      String message = "PostgreSQL is not reachable at " + masked(URL) + " (SQL state " + e.getSQLState()
          + "); set LSF_POSTGRES_URL or start the server (see docs/JDBC.md)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + " [CI=true: the database tests must run]");
      }
      System.err.println("SKIPPED: " + message);
      Assumptions.abort(message);
    }
  }

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> URL);
    registry.add("lhn.secure-forms.jdbc.table-prefix", () -> PREFIX);
  }

  @AfterAll
  static void dropTables() {
    try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + PREFIX + "submissions");
      s.execute("DROP TABLE IF EXISTS " + PREFIX + "ended_conversations");
      s.execute("DROP TABLE IF EXISTS " + PREFIX + "epoch_keys");
    } catch (SQLException e) {
      System.err.println("could not drop the " + PREFIX + " tables (SQL state " + e.getSQLState() + ")");
    }
  }

  private static String masked(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1<masked>").replaceAll("//([^/:@]+):[^/@]*@", "//$1:<masked>@");
  }
}
