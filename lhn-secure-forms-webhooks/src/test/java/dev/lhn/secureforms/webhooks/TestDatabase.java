package dev.lhn.secureforms.webhooks;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the tests run on (as in the JDBC module's tests): URLs from the environment or the development
 * machine's servers; an unreachable server skips, or fails under {@code CI=true}.
 */
enum TestDatabase {
  H2("H2", "LSF_H2_URL", "jdbc:h2:mem:lsf_webhooks;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=20000"),
  POSTGRESQL("PostgreSQL", "LSF_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"),
  MARIADB("MariaDB", "LSF_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root");

  private static final SecureRandom RANDOM = new SecureRandom();
  final String label;
  final String envVar;
  private final String defaultUrl;

  TestDatabase(String label, String envVar, String defaultUrl) {
    this.label = label;
    this.envVar = envVar;
    this.defaultUrl = defaultUrl;
  }

  String url() {
    String env = System.getenv(envVar);
    return env != null && !env.isBlank() ? env.trim() : defaultUrl;
  }

  static String uniquePrefix(String tag) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder("lsf_").append(tag).append('_');
    for (int i = 0; i < 6; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.append('_').toString();
  }

  DataSource require() {
    DataSource ds = new UrlDataSource(url());
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      String message = label + " is not reachable (SQL state " + e.getSQLState() + "); set " + envVar;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + " [CI=true: the database tests must run]");
      }
      System.err.println("SKIPPED: " + message);
      Assumptions.abort(message);
    }
    return ds;
  }

  static void dropTables(DataSource ds, String prefix) {
    for (String t : new String[] {"webhook_deliveries", "webhook_endpoints", "outbox"}) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS " + prefix + t);
      } catch (SQLException e) {
        System.err.println("could not drop " + prefix + t + " (SQL state " + e.getSQLState() + ")");
      }
    }
  }

  @Override
  public String toString() {
    return label.toLowerCase(Locale.ROOT);
  }

  /** {@link DriverManager} behind {@link DataSource}: one new connection per call. */
  static final class UrlDataSource implements DataSource {
    private final String url;

    UrlDataSource(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return DriverManager.getConnection(url);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
