package dev.lhn.secureforms.examples;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcFormRequestStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.sealed.FormRequestStore;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The examples' database: embedded H2 (a file, or memory for tests) or any JDBC URL, such as PostgreSQL's.
 * A real host brings its own pooled {@link DataSource} (HikariCP, say); the JDBC stores need nothing else.
 * The examples keep their epoch keys on a second {@code DemoDatabase}: a database whose backups are not the
 * submissions' (docs/KEYS.md).
 */
public final class DemoDatabase implements AutoCloseable {
  /** Table prefix of the examples' store. */
  public static final String TABLE_PREFIX = "lsf_";

  private final DataSource dataSource;
  private final String description;
  private final AutoCloseable closer;

  private DemoDatabase(DataSource dataSource, String description, AutoCloseable closer) {
    this.dataSource = dataSource;
    this.description = description;
    this.closer = closer;
  }

  /** An embedded H2 database in the file {@code <dir>/<name>.mv.db}, created if missing. */
  public static DemoDatabase h2File(Path dir, String name) {
    requireNonNull(dir, "dir");
    requireNonNull(name, "name");
    String url = "jdbc:h2:file:" + dir.resolve(name).toAbsolutePath().normalize();
    return h2(url);
  }

  /** A private in-memory H2 database that lives until {@link #close()}. */
  public static DemoDatabase h2Memory(String name) {
    requireNonNull(name, "name");
    return h2("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
  }

  /**
   * Any JDBC URL: {@code jdbc:h2:...} gets a small H2 pool, anything else (PostgreSQL, MariaDB) plain
   * {@link DriverManager} connections, enough for a demo.
   */
  public static DemoDatabase url(String jdbcUrl, String user, String password) {
    requireNonNull(jdbcUrl, "jdbcUrl");
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, user == null ? "" : user,
          password == null ? "" : password);
      return new DemoDatabase(pool, jdbcUrl, pool::dispose);
    }
    return new DemoDatabase(new DriverManagerDataSource(jdbcUrl, user, password), jdbcUrl, () -> {});
  }

  private static DemoDatabase h2(String url) {
    JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
    return new DemoDatabase(pool, url, () -> {
      try (Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
        s.execute("SHUTDOWN"); // closes the file cleanly, stops H2's writer thread
      } catch (SQLException e) {
        // already closed
      }
      pool.dispose();
    });
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** The JDBC URL without its parameters (which may hold a password), for display. */
  public String description() {
    return description.replaceAll("[?;].*", "");
  }

  /** The JDBC submission store on this database ({@code lsf_submissions}), creating its table if missing. */
  public SubmissionStore submissionStore() {
    return submissionStore(TABLE_PREFIX);
  }

  /** The JDBC submission store on this database with another table prefix, creating its table if missing. */
  public SubmissionStore submissionStore(String tablePrefix) {
    return JdbcSubmissionStore.builder(dataSource)
        .tablePrefix(tablePrefix)
        .createSchema() // the jar's DDL for the detected database, run only if the table is missing
        .build();
  }

  /**
   * The JDBC form request store on this database ({@code lsf_form_requests}), creating its table if missing:
   * what makes each browser-sealed form request single use across instances (docs/BROWSER.md).
   */
  public FormRequestStore formRequestStore() {
    return formRequestStore(TABLE_PREFIX);
  }

  /** The JDBC form request store on this database with another table prefix, creating its table if missing. */
  public FormRequestStore formRequestStore(String tablePrefix) {
    return JdbcFormRequestStore.builder(dataSource)
        .tablePrefix(tablePrefix)
        .createSchema()
        .build();
  }

  /**
   * The JDBC epoch key store on this database ({@code lsf_epoch_keys}), creating its table if missing. Use a
   * database other than the submissions' one: a backup holding both brings destroyed keys back.
   */
  public EpochKeyStore epochKeyStore() {
    return epochKeyStore(TABLE_PREFIX);
  }

  /** The JDBC epoch key store on this database with another table prefix, creating its table if missing. */
  public EpochKeyStore epochKeyStore(String tablePrefix) {
    return JdbcEpochKeyStore.builder(dataSource)
        .tablePrefix(tablePrefix)
        .createSchema()
        .build();
  }

  @Override
  public void close() {
    try {
      closer.close();
    } catch (Exception e) {
      // best effort: a demo shutting down
    }
  }

  /** A {@link DataSource} over {@link DriverManager}: one new connection per call, no pooling. */
  private static final class DriverManagerDataSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;

    DriverManagerDataSource(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return DriverManager.getConnection(url, username, password);
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {
      DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
      return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      if (iface.isInstance(this)) {
        return iface.cast(this);
      }
      throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return iface.isInstance(this);
    }

    @Override
    public String toString() {
      return "DriverManagerDataSource[" + url + ", password=<masked>]";
    }
  }
}
