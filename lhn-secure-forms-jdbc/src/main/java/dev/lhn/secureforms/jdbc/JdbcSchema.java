package dev.lhn.secureforms.jdbc;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;

/**
 * What the JDBC stores' builders share: table prefixes, the DDL in the jar, and setting up on one connection
 * (detect the database, create the tables if asked, check that every table has the columns the store reads).
 */
final class JdbcSchema {
  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}");

  private JdbcSchema() {}

  /**
   * The tables one store needs on one database.
   *
   * @param resource the DDL file in the jar, for messages
   * @param script the DDL with the prefix filled in
   * @param ddlCall how to get the DDL in Java, for messages ({@code JdbcSubmissionStore.ddl(Dialect.H2, "lsf_")})
   * @param probes each table's name and a query that runs only if the table has every column the store reads
   *     (in creation order)
   * @param schemaVersion the schema version the store reads, for messages
   */
  record Tables(String resource, String script, String ddlCall, Map<String, String> probes, int schemaVersion) {}

  /** The options both stores' builders have, each settable once. */
  static final class Options {
    private String tablePrefix;
    private boolean createSchema;
    private Dialect dialect;

    void tablePrefix(String prefix) {
      checkPrefix(prefix);
      if (tablePrefix != null) {
        throw new IllegalStateException("tablePrefix was already set to '" + tablePrefix + "'");
      }
      tablePrefix = prefix;
    }

    void createSchema() {
      if (createSchema) {
        throw new IllegalStateException("createSchema() was already called");
      }
      createSchema = true;
    }

    void dialect(Dialect d) {
      requireNonNull(d, "dialect");
      if (dialect != null) {
        throw new IllegalStateException("dialect was already set to " + dialect);
      }
      dialect = d;
    }

    /** The prefix set, or {@code defaultPrefix}. */
    String prefix(String defaultPrefix) {
      return tablePrefix == null ? defaultPrefix : tablePrefix;
    }

    /** Runs {@link JdbcSchema#setUp} with these options. */
    Setup setUp(DataSource dataSource, String storeName, String what, BiFunction<Dialect, Boolean, Tables> tables,
        Logger log) {
      return JdbcSchema.setUp(dataSource, dialect, createSchema, storeName, what, tables, log);
    }
  }

  /** A decoding failure in words, at most 200 characters: the library's own messages quote no secret. */
  static String problem(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.length() > 200 ? m.substring(0, 200) : m;
  }

  /** What connecting once found out. */
  record Setup(Dialect dialect, boolean skipLocked) {}

  static String checkPrefix(String prefix) {
    requireNonNull(prefix, "tablePrefix");
    if (!PREFIX.matcher(prefix).matches()) {
      String shown = prefix.length() > 40 ? prefix.substring(0, 40) + "..." : prefix;
      throw new IllegalArgumentException(
          "tablePrefix must match [a-z_][a-z0-9_]{0,30} (lower case, at most 31 characters), got '" + shown + "'");
    }
    return prefix;
  }

  /** The DDL file {@code resource} of the jar with {@code tablePrefix} filled in. */
  static String ddl(String resource, String tablePrefix) {
    checkPrefix(tablePrefix);
    String path = "/" + resource;
    try (InputStream in = JdbcSchema.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", tablePrefix);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  /** One row, one column: non-zero (or true) if the table exists, without an error when it does not. */
  static String tableExistsQuery(Dialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> "SELECT CASE WHEN to_regclass(?) IS NULL THEN 0 ELSE 1 END";
      case MARIADB, MYSQL ->
          "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
      case H2 -> "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = CURRENT_SCHEMA "
          + "AND UPPER(TABLE_NAME) = UPPER(?)";
    };
  }

  /**
   * Connects once: detects the database (unless {@code forced}), creates the tables if asked and any is
   * missing, and checks that every table exists with the columns the store reads.
   *
   * @param storeName the store's class name, for messages
   * @param what what is set up, for the message of a database failure ({@code submission store (table ...)})
   * @param tables the tables of the store on a dialect
   * @throws IllegalStateException if the database is none of ours, or a table is missing or incomplete
   * @throws StoreException if the database fails
   */
  static Setup setUp(DataSource dataSource, Dialect forced, boolean createSchema, String storeName, String what,
      BiFunction<Dialect, Boolean, Tables> tables, Logger log) {
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      String product = md.getDatabaseProductName();
      String productVersion = md.getDatabaseProductVersion();
      Dialect d = forced != null ? forced : Dialect.detect(product, productVersion);
      if (d == null) {
        throw new IllegalStateException("unsupported database '" + product + "' (" + productVersion + "): "
            + storeName + " supports PostgreSQL, MariaDB, MySQL and H2");
      }
      boolean skipLocked = supportsSkipLocked(d, md);
      Tables t = tables.apply(d, skipLocked);
      String exists = tableExistsQuery(d);
      boolean auto = c.getAutoCommit();
      if (!auto) {
        c.setAutoCommit(true);
      }
      try {
        if (createSchema && !t.probes().keySet().stream().allMatch(name -> tableExists(c, exists, name))) {
          createTables(c, exists, t, log);
        }
        for (Map.Entry<String, String> table : t.probes().entrySet()) {
          if (!tableExists(c, exists, table.getKey())) {
            throw new IllegalStateException("table " + table.getKey() + " does not exist: create it with "
                + t.resource() + " (" + t.ddlCall() + ") or call createSchema()");
          }
          if (!probe(c, table.getValue())) {
            throw new IllegalStateException("table " + table.getKey() + " lacks columns of schema version "
                + t.schemaVersion() + ": compare it with " + t.resource()
                + " and apply the migrations in the jar's migration/");
          }
        }
      } finally {
        if (!auto) {
          c.setAutoCommit(false);
        }
      }
      if (!skipLocked) {
        log.warn("{} {} has no FOR UPDATE SKIP LOCKED: concurrent purges of {} will wait for each other",
            product, productVersion, String.join(" and ", t.probes().keySet()));
      }
      log.debug("{} on {} {} ({}), tables {}", storeName, product, productVersion, d, t.probes().keySet());
      return new Setup(d, skipLocked);
    } catch (SQLException e) {
      throw setupFailed(what, e);
    } catch (UncheckedSql e) {
      throw setupFailed(what, e.sql);
    }
  }

  private static StoreException setupFailed(String what, SQLException e) {
    return new StoreException("setting up the " + what + " failed"
        + (e.getErrorCode() != 0 ? ": database error " + e.getErrorCode() : ""), e.getSQLState(), null);
  }

  private static boolean supportsSkipLocked(Dialect d, DatabaseMetaData md) throws SQLException {
    int major = md.getDatabaseMajorVersion();
    int minor = md.getDatabaseMinorVersion();
    return switch (d) {
      case POSTGRESQL -> major > 9 || (major == 9 && minor >= 5);
      case MARIADB -> major > 10 || (major == 10 && minor >= 6);
      case MYSQL -> major >= 8;
      case H2 -> major >= 2;
    };
  }

  private static boolean tableExists(Connection c, String query, String name) {
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) != 0;
      }
    } catch (SQLException e) {
      throw new UncheckedSql(e);
    }
  }

  /** Whether a probe query runs (in auto-commit mode, so a failure aborts no transaction). */
  private static boolean probe(Connection c, String query) {
    try (Statement s = c.createStatement()) {
      s.executeQuery(query).close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Runs the bundled DDL. Every statement is idempotent, so a statement that lost a race against another
   * instance creating the same table at the same moment is simply run again; a table that exists but is
   * incomplete is left for the column check to name.
   */
  private static void createTables(Connection c, String exists, Tables t, Logger log) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Statement s = c.createStatement()) {
        for (String statement : statements(t.script())) {
          s.execute(statement);
        }
        log.info("created tables {} ({})", String.join(" and ", t.probes().keySet()), t.resource());
        return;
      } catch (SQLException e) {
        for (Map.Entry<String, String> table : t.probes().entrySet()) {
          if (tableExists(c, exists, table.getKey()) && !probe(c, table.getValue())) {
            return; // an older or foreign table: the column check names it
          }
        }
        // PostgreSQL's CREATE ... IF NOT EXISTS can still lose a race on its catalog (SQL state 23505 or
        // 42P07) when instances create the same table at once; with five tables (#11) and their indexes
        // a few rounds may be lost in a row, so retry more often, after a short random pause.
        if (attempt == 20) {
          throw e;
        }
        try {
          Thread.sleep(5 + java.util.concurrent.ThreadLocalRandom.current().nextInt(45));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The statements of a DDL script: comment lines dropped, split at semicolons that end a line. */
  static List<String> statements(String script) {
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
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  /** An {@link SQLException} of a check, carried out of a lambda; never escapes {@link #setUp}. */
  private static final class UncheckedSql extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient SQLException sql;

    UncheckedSql(SQLException sql) {
      super(null, null, false, false);
      this.sql = sql;
    }
  }
}
