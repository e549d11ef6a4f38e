package dev.lhn.secureforms.jdbc;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.sealed.FormRequestStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FormRequestStore} in one table, {@code <prefix>form_requests}, of a PostgreSQL, MariaDB, MySQL
 * or H2 database, exact when many application instances share it: {@link #consume} is a plain
 * {@code INSERT} of the request id, and the primary key decides which of concurrent consumptions wins.
 * Rows hold a request id and its expiry only, never a value or a key, so the table may live with the
 * submissions (and must be shared by every instance that accepts sealed submissions).
 *
 * <pre>{@code
 * JdbcFormRequestStore requests = JdbcFormRequestStore.builder(dataSource)
 *     .tablePrefix("lsf_")     // optional, the default: the table is lsf_form_requests
 *     .createSchema()          // optional: create the table if it is missing
 *     .build();                // detects the database
 * }</pre>
 *
 * <p>Errors are {@link StoreException}s naming the operation and the SQL state; connections, transactions
 * and retries work as in {@link JdbcSubmissionStore}. Immutable and thread-safe. See {@code docs/JDBC.md},
 * section "Form requests".
 */
public final class JdbcFormRequestStore implements FormRequestStore {
  /** The default table prefix. */
  public static final String DEFAULT_TABLE_PREFIX = "lsf_";
  /** The schema version of the table this release reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcFormRequestStore.class);

  private final JdbcExecutor exec;
  private final Dialect dialect;
  private final String table;
  private final String insert;
  private final String due;
  private final String delete;

  private JdbcFormRequestStore(DataSource dataSource, Dialect dialect, String prefix) {
    this.exec = new JdbcExecutor(dataSource, dialect, LOG);
    this.dialect = dialect;
    this.table = prefix + "form_requests";
    this.insert = "INSERT INTO " + table + " (request_id, expires_at) VALUES (?, ?)";
    this.due = "SELECT request_id FROM " + table + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ?";
    this.delete = "DELETE FROM " + table + " WHERE request_id = ? AND expires_at <= ?";
  }

  /**
   * A builder for a store on {@code dataSource}.
   *
   * @param dataSource a pooling data source shared by every instance
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The DDL of the table for {@code dialect} with {@code tablePrefix} filled in.
   *
   * @param dialect the database
   * @param tablePrefix {@code [a-z_][a-z0-9_]{0,30}}
   * @return the DDL script
   * @throws IllegalArgumentException if the prefix breaks its rule
   */
  public static String ddl(Dialect dialect, String tablePrefix) {
    requireNonNull(dialect, "dialect");
    return JdbcSchema.ddl(resource(dialect), tablePrefix);
  }

  private static String resource(Dialect d) {
    return "dev/lhn/secureforms/jdbc/" + d.schemaFile().replace("schema-", "form-requests-");
  }

  /** {@return the database this store speaks to} */
  public Dialect dialect() {
    return dialect;
  }

  /** {@return the table's name: the prefix followed by {@code form_requests}} */
  public String tableName() {
    return table;
  }

  @Override
  public boolean consume(String requestId, Instant expiresAt, Instant now) {
    FormRequestStore.checkConsume(requestId, expiresAt, now);
    try {
      return exec.singleStatement("consumption of a form request", c -> {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
          ps.setString(1, requestId);
          ps.setLong(2, expiresAt.toEpochMilli());
          ps.executeUpdate();
          return true;
        } catch (SQLException e) {
          if (exec.isDuplicateKey(e)) {
            throw Taken.INSTANCE;
          }
          throw e;
        }
      });
    } catch (Taken e) {
      LOG.debug("form request {} was consumed before", requestId);
      return false;
    }
  }

  @Override
  public int forgetExpired(Instant now, int batchSize) {
    FormRequestStore.checkForget(now, batchSize);
    long ms = now.toEpochMilli();
    return exec.transaction("forgetting expired form requests", c -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(due)) {
        ps.setLong(1, ms);
        ps.setInt(2, batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      int n = 0;
      try (PreparedStatement ps = c.prepareStatement(delete)) {
        for (String id : ids) {
          ps.setString(1, id);
          ps.setLong(2, ms);
          n += ps.executeUpdate();
        }
      }
      return n;
    });
  }

  @Override
  public String toString() {
    return "JdbcFormRequestStore[" + dialect + ", table=" + table + "]";
  }

  /** Thrown inside {@link #consume}'s statement when the id is taken; never escapes the store. */
  private static final class Taken extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Taken INSTANCE = new Taken();

    private Taken() {
      super(null, null, false, false);
    }
  }

  /**
   * Builds a {@link JdbcFormRequestStore}. Every option can be set once; {@link #build()} connects, detects
   * the database and checks the table, and never changes the builder.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private final JdbcSchema.Options options = new JdbcSchema.Options();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of the table name ({@code <prefix>form_requests}): {@code [a-z_][a-z0-9_]{0,30}}, default
     * {@value JdbcFormRequestStore#DEFAULT_TABLE_PREFIX}.
     *
     * @param tablePrefix the prefix
     * @return this builder
     */
    public Builder tablePrefix(String tablePrefix) {
      options.tablePrefix(tablePrefix);
      return this;
    }

    /**
     * Creates the table and its index with the bundled DDL ({@link JdbcFormRequestStore#ddl}) if missing.
     *
     * @return this builder
     */
    public Builder createSchema() {
      options.createSchema();
      return this;
    }

    /**
     * Skips detection and speaks {@code dialect}.
     *
     * @param dialect the database's dialect
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      options.dialect(dialect);
      return this;
    }

    /**
     * Connects once: detects the database, creates the table if asked, checks its columns.
     *
     * @return the store
     * @throws IllegalStateException if the database is none of ours, or the table is missing or incomplete
     * @throws StoreException if the database fails
     */
    public JdbcFormRequestStore build() {
      String prefix = options.prefix(DEFAULT_TABLE_PREFIX);
      String table = prefix + "form_requests";
      JdbcSchema.Setup setup = options.setUp(dataSource, "JdbcFormRequestStore",
          "form request store (table " + table + ")", (d, skipLocked) -> new JdbcSchema.Tables(resource(d),
              ddl(d, prefix), "JdbcFormRequestStore.ddl(Dialect." + d + ", \"" + prefix + "\")",
              Map.of(table, "SELECT request_id, expires_at FROM " + table + " WHERE 1 = 0"), SCHEMA_VERSION), LOG);
      return new JdbcFormRequestStore(dataSource, setup.dialect(), prefix);
    }
  }
}
