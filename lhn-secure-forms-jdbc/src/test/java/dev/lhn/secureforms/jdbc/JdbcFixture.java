package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * One test class's table on one database: a pooled store over a table with a prefix of its own, emptied
 * for every test and dropped at the end, where the pool must have every connection back, untouched.
 */
final class JdbcFixture {
  private final TestDatabase database;
  private final String tag;
  private String prefix;
  private final Dialect forcedDialect;
  private DataSource raw;
  private TestPool pool;
  private JdbcSubmissionStore store;
  private JdbcEpochKeyStore epochKeys;
  private JdbcFormRequestStore formRequests;

  JdbcFixture(TestDatabase database, String tag) {
    this(database, tag, null);
  }

  /** With {@code forcedDialect}, the store speaks that dialect whatever the database reports. */
  JdbcFixture(TestDatabase database, String tag, Dialect forcedDialect) {
    this.database = database;
    this.tag = tag;
    this.forcedDialect = forcedDialect;
  }

  /** Connects (or skips the class), and creates the table. */
  void open() {
    raw = database.require();
    pool = new TestPool(raw, 16);
    prefix = TestDatabase.uniquePrefix(tag);
    if (forcedDialect == null) {
      store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).createSchema().build();
    } else {
      // the table as the server's own dialect creates it, then the forced dialect over it
      JdbcSubmissionStore.builder(pool).tablePrefix(prefix).createSchema().build();
      store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).dialect(forcedDialect).build();
    }
  }

  /** Connects (or skips the class), and creates the epoch key table only. */
  void openEpochKeys() {
    raw = database.require();
    pool = new TestPool(raw, 16);
    prefix = TestDatabase.uniquePrefix(tag);
    epochKeys = JdbcEpochKeyStore.builder(pool).tablePrefix(prefix).createSchema().build();
  }

  /** Connects (or skips the class), and creates the form request table only. */
  void openFormRequests() {
    raw = database.require();
    pool = new TestPool(raw, 40);
    prefix = TestDatabase.uniquePrefix(tag);
    formRequests = JdbcFormRequestStore.builder(pool).tablePrefix(prefix).createSchema().build();
  }

  /** The form request store over an empty table. */
  JdbcFormRequestStore emptyFormRequestStore() {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM " + formRequests.tableName());
    } catch (SQLException e) {
      throw new AssertionError("cannot empty " + formRequests.tableName() + " (SQL state " + e.getSQLState() + ")");
    }
    return formRequests;
  }

  /** The epoch key store over an empty table. */
  JdbcEpochKeyStore emptyEpochKeyStore() {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM " + epochKeys.tableName());
    } catch (SQLException e) {
      throw new AssertionError("cannot empty " + epochKeys.tableName() + " (SQL state " + e.getSQLState() + ")");
    }
    return epochKeys;
  }

  /** The store over an empty table. */
  JdbcSubmissionStore emptyStore() {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM " + store.tableName());
      s.executeUpdate("DELETE FROM " + prefix + "ended_conversations");
      s.executeUpdate("DELETE FROM " + prefix + "journal");
      s.executeUpdate("DELETE FROM " + prefix + "journal_chain");
      s.executeUpdate("DELETE FROM " + prefix + "outbox");
    } catch (SQLException e) {
      throw new AssertionError("cannot empty " + store.tableName() + " (SQL state " + e.getSQLState() + ")");
    }
    return store;
  }

  JdbcSubmissionStore store() {
    return store;
  }

  DataSource raw() {
    return raw;
  }

  /** Drops the table and checks that the store gave every connection back as it got it. */
  void close() {
    if (pool == null || (store == null && epochKeys == null && formRequests == null)) {
      return;
    }
    try {
      assertEquals(0, pool.borrowed(), "connections still borrowed");
      assertEquals(List.of(), pool.violations(), "connections handed back in a bad state");
    } finally {
      pool.close();
      TestDatabase.dropTables(raw, prefix);
    }
  }
}
