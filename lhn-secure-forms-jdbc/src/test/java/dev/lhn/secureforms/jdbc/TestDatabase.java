package dev.lhn.secureforms.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the tests run on. URLs default to the servers of the development machine and are
 * overridden with environment variables. An unreachable server skips the test with a visible message, or
 * fails it when {@code CI=true}.
 */
enum TestDatabase {
  H2("H2", "LSF_H2_URL", "jdbc:h2:mem:lsf_test;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000", true),
  POSTGRESQL("PostgreSQL", "LSF_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres", true),
  MARIADB("MariaDB", "LSF_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root", true),
  /**
   * A real MySQL server: only when LSF_MYSQL_URL is set (the MySQL dialect also runs on MariaDB); unset, the
   * test class skips even on CI. Set, it is required on CI like the others.
   */
  MYSQL("MySQL", "LSF_MYSQL_URL", null, true);

  private static final SecureRandom RANDOM = new SecureRandom();

  final String label;
  final String envVar;
  private final String defaultUrl;
  private final boolean requiredOnCi;

  TestDatabase(String label, String envVar, String defaultUrl, boolean requiredOnCi) {
    this.label = label;
    this.envVar = envVar;
    this.defaultUrl = defaultUrl;
    this.requiredOnCi = requiredOnCi;
  }

  String url() {
    String env = System.getenv(envVar);
    return env != null && !env.isBlank() ? env.trim() : defaultUrl;
  }

  static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** A table prefix no other test class or concurrent run uses: {@code lsf_<tag>_<random>_}. */
  static String uniquePrefix(String tag) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder("lsf_").append(tag).append('_');
    for (int i = 0; i < 6; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.append('_').toString();
  }

  /**
   * A non-pooling data source on this database, after checking that it answers; skips the calling test
   * (or fails it on CI) when it does not.
   */
  DataSource require() {
    String url = url();
    if (url == null) {
      String message = label + " tests run only when " + envVar + " is set (a JDBC URL); the MySQL dialect is also "
          + "tested on MariaDB";
      System.err.println("SKIPPED: " + message);
      Assumptions.abort(message);
    }
    DataSource ds = new UrlDataSource(url);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      String message = label + " is not reachable at " + masked(url) + " (SQL state " + e.getSQLState()
          + "); set " + envVar + " or start the server (see docs/JDBC.md)";
      if (onCi() && requiredOnCi) {
        Assertions.fail(message + " [CI=true: the database tests must run]");
      }
      System.err.println("SKIPPED: " + message);
      Assumptions.abort(message);
    }
    return ds;
  }

  /** The URL with any password replaced, for messages. */
  static String masked(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1<masked>").replaceAll("//([^/:@]+):[^/@]*@", "//$1:<masked>@");
  }

  /** Drops the tables of a store with this prefix, if they exist. */
  static void dropTables(DataSource ds, String prefix) {
    dropTable(ds, prefix + "submissions");
    dropTable(ds, prefix + "ended_conversations");
    dropTable(ds, prefix + "epoch_keys");
    dropTable(ds, prefix + "form_requests");
    dropTable(ds, prefix + "journal");
    dropTable(ds, prefix + "journal_chain");
    dropTable(ds, prefix + "outbox");
  }

  /** Drops a table, if it exists. */
  static void dropTable(DataSource ds, String table) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      s.execute("DROP TABLE IF EXISTS " + table);
    } catch (SQLException e) {
      System.err.println("could not drop " + table + " (SQL state " + e.getSQLState() + ")");
    }
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }

  /** {@link DriverManager} behind the {@link DataSource} interface: one new connection per call. */
  static final class UrlDataSource extends BasicDataSource {
    private final String url;

    UrlDataSource(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }
  }
}
