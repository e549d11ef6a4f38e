package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link DeliveryStore} in two tables of a PostgreSQL (12+), MariaDB (10.6+), MySQL (8.0+) or H2 (2.x)
 * database: {@code <prefix>webhook_deliveries} and {@code <prefix>webhook_endpoints}. Several relay instances
 * may share it: claims use {@code SELECT ... FOR UPDATE SKIP LOCKED} (on H2, a compare-and-set update per row).
 * The DDL for each database ships in the jar ({@link #ddl(String, String)}); {@link Builder#createSchema()}
 * runs it when a table is missing.
 *
 * <p>It lives in this module, not in {@code lhn-secure-forms-jdbc}, so that a host using another submission
 * store still gets durable deliveries with nothing but this jar and its JDBC driver. Times are epoch
 * milliseconds (UTC); failures are {@link StoreException}s carrying the SQL state, never a bind value.
 */
public final class JdbcDeliveryStore implements DeliveryStore {
  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}");
  private static final String COLUMNS =
      "message_id, endpoint_id, event_type, body, created_at, status, attempts, next_attempt_at, updated_at";

  /** The databases this store speaks. */
  enum Database {
    POSTGRESQL("deliveries-postgresql.sql"),
    MARIADB("deliveries-mariadb.sql"),
    H2("deliveries-h2.sql");

    final String resource;

    Database(String resource) {
      this.resource = resource;
    }

    static Database detect(String product) {
      String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
      if (p.contains("postgresql")) {
        return POSTGRESQL;
      }
      if (p.contains("mariadb") || p.contains("mysql")) {
        return MARIADB;
      }
      if (p.equals("h2")) {
        return H2;
      }
      return null;
    }
  }

  private final DataSource dataSource;
  private final Database db;
  private final String deliveries;
  private final String endpoints;

  private JdbcDeliveryStore(DataSource dataSource, Database db, String prefix) {
    this.dataSource = dataSource;
    this.db = db;
    this.deliveries = prefix + "webhook_deliveries";
    this.endpoints = prefix + "webhook_endpoints";
  }

  /**
   * {@return a builder}
   *
   * @param dataSource where the tables are
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * {@return the DDL the store needs on a database, with the prefix filled in}
   *
   * @param database {@code "postgresql"}, {@code "mariadb"}, {@code "mysql"} or {@code "h2"}
   * @param tablePrefix the table prefix, such as {@code "lsf_"}
   */
  public static String ddl(String database, String tablePrefix) {
    requireNonNull(database, "database");
    Database d = switch (database.toLowerCase(Locale.ROOT)) {
      case "postgresql" -> Database.POSTGRESQL;
      case "mariadb", "mysql" -> Database.MARIADB;
      case "h2" -> Database.H2;
      default -> throw new IllegalArgumentException(
          "database must be postgresql, mariadb, mysql or h2, got '" + database + "'");
    };
    return script(d, checkPrefix(tablePrefix));
  }

  private static String checkPrefix(String prefix) {
    requireNonNull(prefix, "tablePrefix");
    if (!PREFIX.matcher(prefix).matches()) {
      String shown = prefix.length() > 40 ? prefix.substring(0, 40) + "..." : prefix;
      throw new IllegalArgumentException(
          "tablePrefix must match [a-z_][a-z0-9_]{0,30} (lower case, at most 31 characters), got '" + shown + "'");
    }
    return prefix;
  }

  private static String script(Database d, String prefix) {
    try (InputStream in = JdbcDeliveryStore.class.getResourceAsStream(d.resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + d.resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + d.resource, e);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction, again (up to 5 times) after a deadlock or serialization failure. */
  private <T> T inTransaction(String what, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          try {
            c.rollback();
          } catch (SQLException ignored) {
            // the connection is broken; the original failure is the one to report
          }
          throw e;
        } finally {
          try {
            c.setAutoCommit(auto);
          } catch (SQLException ignored) {
            // a broken connection; the pool discards it
          }
        }
      } catch (SQLException e) {
        String state = e.getSQLState();
        boolean retryable = "40001".equals(state) || "40P01".equals(state) || e.getErrorCode() == 1213;
        if (!retryable || attempt == 5) {
          throw new StoreException("webhook delivery store: " + what + " failed"
              + (e.getErrorCode() != 0 ? " (database error " + e.getErrorCode() + ")" : ""), state, null);
        }
      }
    }
  }

  private static boolean duplicate(SQLException e) {
    return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
  }

  @Override
  public void enqueue(List<Delivery> list, Instant now) {
    requireNonNull(list, "deliveries");
    requireNonNull(now, "now");
    if (list.isEmpty()) {
      return;
    }
    String insert = "INSERT INTO " + deliveries + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)"
        + switch (db) {
          case POSTGRESQL -> " ON CONFLICT (message_id, endpoint_id) DO NOTHING";
          case MARIADB -> " ON DUPLICATE KEY UPDATE message_id = message_id";
          case H2 -> "";
        };
    inTransaction("enqueue", c -> {
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        for (Delivery d : list) {
          ps.setString(1, d.messageId().toString());
          ps.setString(2, d.endpointId());
          ps.setString(3, d.eventType());
          ps.setString(4, d.body());
          ps.setLong(5, d.createdAt().toEpochMilli());
          ps.setLong(6, now.toEpochMilli());
          ps.setLong(7, now.toEpochMilli());
          if (db == Database.H2) {
            try {
              ps.executeUpdate(); // H2 keeps the transaction after a failed statement
            } catch (SQLException e) {
              if (!duplicate(e)) {
                throw e;
              }
            }
          } else {
            ps.addBatch();
          }
        }
        if (db != Database.H2) {
          ps.executeBatch();
        }
      }
      return null;
    });
  }

  @Override
  public List<Delivery> claim(int limit, Instant now, Duration lease) {
    InMemoryDeliveryStore.checkClaim(limit, now, lease);
    long nowMs = now.toEpochMilli();
    long until = now.plus(lease).toEpochMilli();
    String select = "SELECT message_id, endpoint_id, event_type, body, created_at, attempts, next_attempt_at FROM "
        + deliveries + " WHERE status = 'PENDING' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?"
        + (db == Database.H2 ? "" : " FOR UPDATE SKIP LOCKED");
    String update = "UPDATE " + deliveries + " SET attempts = attempts + 1, next_attempt_at = ?, claim_token = ?, "
        + "updated_at = ? WHERE message_id = ? AND endpoint_id = ? AND status = 'PENDING' AND attempts = ? "
        + "AND next_attempt_at = ?";
    return inTransaction("claim", c -> {
      List<Delivery> out = new ArrayList<>();
      List<long[]> old = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(select)) {
        ps.setLong(1, nowMs);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Delivery(UUID.fromString(rs.getString(1).strip()), rs.getString(2), rs.getString(3),
                rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6) + 1, UUID.randomUUID()));
            old.add(new long[] {rs.getInt(6), rs.getLong(7)});
          }
        }
      }
      List<Delivery> claimed = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(update)) {
        for (int i = 0; i < out.size(); i++) {
          Delivery d = out.get(i);
          ps.setLong(1, until);
          ps.setString(2, d.claim().toString());
          ps.setLong(3, nowMs);
          ps.setString(4, d.messageId().toString());
          ps.setString(5, d.endpointId());
          ps.setInt(6, (int) old.get(i)[0]);
          ps.setLong(7, old.get(i)[1]);
          // Under SKIP LOCKED the row is ours and this always matches; on H2 it is the compare-and-set.
          if (ps.executeUpdate() == 1) {
            claimed.add(d);
          }
        }
      }
      return claimed;
    });
  }

  private boolean outcome(String what, Delivery claimed, String status, long next, String error, Instant now) {
    requireNonNull(claimed, "claimed");
    requireNonNull(now, "now");
    if (claimed.claim() == null) {
      return false;
    }
    String sql = "UPDATE " + deliveries + " SET status = ?, next_attempt_at = ?, claim_token = NULL, "
        + "last_error = COALESCE(?, last_error), updated_at = ? WHERE message_id = ? AND endpoint_id = ? "
        + "AND claim_token = ? AND status = 'PENDING'";
    return inTransaction(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, status);
        ps.setLong(2, next);
        ps.setString(3, error == null ? null : truncate(error));
        ps.setLong(4, now.toEpochMilli());
        ps.setString(5, claimed.messageId().toString());
        ps.setString(6, claimed.endpointId());
        ps.setString(7, claimed.claim().toString());
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static String truncate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200);
  }

  @Override
  public boolean delivered(Delivery claimed, Instant now) {
    return outcome("delivered", claimed, "DELIVERED", now.toEpochMilli(), null, now);
  }

  @Override
  public boolean retry(Delivery claimed, Instant next, String error, Instant now) {
    requireNonNull(next, "next");
    return outcome("retry", claimed, "PENDING", next.toEpochMilli(), error, now);
  }

  @Override
  public boolean failed(Delivery claimed, String error, Instant now) {
    return outcome("failed", claimed, "FAILED", now.toEpochMilli(), error, now);
  }

  @Override
  public void disableEndpoint(String endpointId, String reason, Instant now) {
    requireNonNull(endpointId, "endpointId");
    requireNonNull(reason, "reason");
    requireNonNull(now, "now");
    String upsert = switch (db) {
      case POSTGRESQL -> "INSERT INTO " + endpoints + " (endpoint_id, disabled_at, reason) VALUES (?, ?, ?) "
          + "ON CONFLICT (endpoint_id) DO UPDATE SET disabled_at = EXCLUDED.disabled_at, reason = EXCLUDED.reason";
      case MARIADB -> "INSERT INTO " + endpoints + " (endpoint_id, disabled_at, reason) VALUES (?, ?, ?) "
          + "ON DUPLICATE KEY UPDATE disabled_at = VALUES(disabled_at), reason = VALUES(reason)";
      case H2 -> "MERGE INTO " + endpoints + " (endpoint_id, disabled_at, reason) KEY (endpoint_id) VALUES (?, ?, ?)";
    };
    String cancel = "UPDATE " + deliveries + " SET status = 'CANCELLED', claim_token = NULL, last_error = ?, "
        + "next_attempt_at = ?, updated_at = ? WHERE endpoint_id = ? AND status = 'PENDING'";
    inTransaction("disable endpoint", c -> {
      try (PreparedStatement ps = c.prepareStatement(upsert)) {
        ps.setString(1, endpointId);
        ps.setLong(2, now.toEpochMilli());
        ps.setString(3, truncate(reason));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(cancel)) {
        ps.setString(1, truncate(reason));
        ps.setLong(2, now.toEpochMilli());
        ps.setLong(3, now.toEpochMilli());
        ps.setString(4, endpointId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void enableEndpoint(String endpointId) {
    requireNonNull(endpointId, "endpointId");
    inTransaction("enable endpoint", c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + endpoints + " WHERE endpoint_id = ?")) {
        ps.setString(1, endpointId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Set<String> disabledEndpoints() {
    return inTransaction("read disabled endpoints", c -> {
      Set<String> out = new HashSet<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT endpoint_id FROM " + endpoints)) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return Set.copyOf(out);
    });
  }

  @Override
  public Optional<DeliveryState> state(UUID messageId, String endpointId) {
    requireNonNull(messageId, "messageId");
    requireNonNull(endpointId, "endpointId");
    String sql = "SELECT status, attempts, next_attempt_at, last_error FROM " + deliveries
        + " WHERE message_id = ? AND endpoint_id = ?";
    return inTransaction("read delivery", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, messageId.toString());
        ps.setString(2, endpointId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(new DeliveryState(DeliveryStatus.valueOf(rs.getString(1).strip()), rs.getInt(2),
              Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4)));
        }
      }
    });
  }

  @Override
  public Map<DeliveryStatus, Long> counts() {
    return inTransaction("count deliveries", c -> {
      Map<DeliveryStatus, Long> out = new EnumMap<>(DeliveryStatus.class);
      for (DeliveryStatus s : DeliveryStatus.values()) {
        out.put(s, 0L);
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM " + deliveries + " GROUP BY status")) {
        while (rs.next()) {
          out.put(DeliveryStatus.valueOf(rs.getString(1).strip()), rs.getLong(2));
        }
      }
      return out;
    });
  }

  @Override
  public String toString() {
    return "JdbcDeliveryStore[" + db + ", " + deliveries + ", " + endpoints + "]";
  }

  /** Builds a {@link JdbcDeliveryStore}: connects once to detect the database and check the tables. */
  public static final class Builder {
    private final DataSource dataSource;
    private String tablePrefix;
    private boolean createSchema;

    private Builder(DataSource dataSource) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets the table prefix (default {@code lsf_}).
     *
     * @param prefix {@code [a-z_][a-z0-9_]{0,30}}
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      checkPrefix(prefix);
      if (tablePrefix != null) {
        throw new IllegalStateException("tablePrefix was already set to '" + tablePrefix + "'");
      }
      tablePrefix = prefix;
      return this;
    }

    /**
     * Creates the tables with the jar's DDL if one is missing (every statement is idempotent).
     *
     * @return this builder
     */
    public Builder createSchema() {
      if (createSchema) {
        throw new IllegalStateException("createSchema() was already called");
      }
      createSchema = true;
      return this;
    }

    /**
     * {@return the store}
     *
     * @throws IllegalStateException if the database is none of ours or a table is missing (without
     *     {@link #createSchema()})
     * @throws StoreException if the database fails
     */
    public JdbcDeliveryStore build() {
      String prefix = tablePrefix == null ? "lsf_" : tablePrefix;
      try (Connection c = dataSource.getConnection()) {
        DatabaseMetaData md = c.getMetaData();
        Database d = Database.detect(md.getDatabaseProductName());
        if (d == null) {
          throw new IllegalStateException("unsupported database '" + md.getDatabaseProductName()
              + "': JdbcDeliveryStore supports PostgreSQL, MariaDB, MySQL and H2");
        }
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        String table = prefix + "webhook_deliveries";
        if (createSchema && !(probe(c, prefix + "webhook_deliveries") && probe(c, prefix + "webhook_endpoints"))) {
          for (int attempt = 1; ; attempt++) {
            try (Statement s = c.createStatement()) {
              for (String statement : statements(script(d, prefix))) {
                s.execute(statement);
              }
              break;
            } catch (SQLException e) {
              if (attempt == 5) {
                throw e; // another instance creating the same tables at the same moment loses at most 4 times
              }
            }
          }
        }
        for (String t : List.of(table, prefix + "webhook_endpoints")) {
          if (!probe(c, t)) {
            throw new IllegalStateException("table " + t + " does not exist or lacks columns of schema version 1: "
                + "create it with " + d.resource + " (JdbcDeliveryStore.ddl(\"" + d.name().toLowerCase(Locale.ROOT)
                + "\", \"" + prefix + "\")) or call createSchema()");
          }
        }
        return new JdbcDeliveryStore(dataSource, d, prefix);
      } catch (SQLException e) {
        throw new StoreException("setting up the webhook delivery store failed", e.getSQLState(), null);
      }
    }

    private static boolean probe(Connection c, String table) {
      String columns = table.endsWith("webhook_deliveries")
          ? COLUMNS + ", claim_token, last_error" : "endpoint_id, disabled_at, reason";
      try (Statement s = c.createStatement()) {
        s.executeQuery("SELECT " + columns + " FROM " + table + " WHERE 1 = 0").close();
        return true;
      } catch (SQLException e) {
        return false;
      }
    }

    private static List<String> statements(String script) {
      List<String> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : script.split("\n")) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("--")) {
          continue;
        }
        current.append(line).append('\n');
        if (t.endsWith(";")) {
          String s = current.toString().strip();
          out.add(s.substring(0, s.length() - 1));
          current.setLength(0);
        }
      }
      return out;
    }
  }
}
