package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The epoch key store's builder, DDL files and damaged rows on embedded H2, and two instances racing on H2,
 * PostgreSQL and MariaDB; the contract runs in the kit.
 */
class JdbcEpochKeyStoreTest {
  private static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");
  private static final EpochKeyId ID = EpochKeyId.containing("", "data", T0, Duration.ofHours(1));

  private DataSource h2;
  private String prefix;

  @BeforeEach
  void setUp() {
    h2 = TestDatabase.H2.require();
    prefix = TestDatabase.uniquePrefix("ekb");
  }

  @AfterEach
  void tearDown() {
    TestDatabase.dropTables(h2, prefix);
  }

  @Test
  void build_createsItsOwnTable_andNoSubmissionTable() throws SQLException {
    JdbcEpochKeyStore store = JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).createSchema().build();
    assertEquals(Dialect.H2, store.dialect());
    assertEquals(prefix + "epoch_keys", store.tableName());
    assertEquals("JdbcEpochKeyStore[H2, table=" + prefix + "epoch_keys]", store.toString());
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1 FROM " + prefix + "submissions"),
          "the epoch key store must not need the submissions' database");
    }
    StoredEpochKey k = key();
    store.insertIfAbsent(k);
    JdbcEpochKeyStore again = JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).createSchema().build();
    assertEquals(Optional.of(k), again.find(ID, T0), "the existing table and row are kept");
  }

  @Test
  void build_missingTable_namesTableAndDdl() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).build());
    assertEquals("table " + prefix + "epoch_keys does not exist: create it with "
        + "dev/lhn/secureforms/jdbc/epoch-keys-h2.sql (JdbcEpochKeyStore.ddl(Dialect.H2, \"" + prefix
        + "\")) or call createSchema()", e.getMessage());
  }

  @Test
  void build_tableWithoutTheColumns_namesSchemaVersion() throws SQLException {
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix + "epoch_keys (tenant VARCHAR(64), destroy_at BIGINT)");
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).createSchema().build());
    assertTrue(e.getMessage().startsWith("table " + prefix + "epoch_keys lacks columns of schema version 1"),
        e.getMessage());
  }

  @Test
  void builder_optionsOnce_andPrefixRule() {
    JdbcEpochKeyStore.Builder b = JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).createSchema().dialect(Dialect.H2);
    assertEquals("tablePrefix was already set to '" + prefix + "'",
        assertThrows(IllegalStateException.class, () -> b.tablePrefix("x_")).getMessage());
    assertThrows(IllegalStateException.class, b::createSchema);
    assertEquals("dialect was already set to H2",
        assertThrows(IllegalStateException.class, () -> b.dialect(Dialect.MARIADB)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JdbcEpochKeyStore.builder(h2).tablePrefix("Bad"))
        .getMessage().startsWith("tablePrefix must match [a-z_][a-z0-9_]{0,30}"));
    assertEquals("dataSource", assertThrows(NullPointerException.class, () -> JdbcEpochKeyStore.builder(null))
        .getMessage());
    assertEquals(b.build().tableName(), b.build().tableName(), "build() can run twice");
  }

  @Test
  void build_connectionFailure_isStoreExceptionWithoutTheDriversMessage() {
    DataSource down = new DelegatingDataSource(h2) {
      @Override
      public Connection getConnection() throws SQLException {
        throw new SQLException("connection to db:5432 refused; password=hunter2", "08001");
      }
    };
    StoreException e = assertThrows(StoreException.class, () -> JdbcEpochKeyStore.builder(down).build());
    assertEquals("setting up the epoch key store (table lsf_epoch_keys) failed (SQL state 08001)", e.getMessage());
    assertEquals(null, e.getCause());
  }

  @Test
  void ddl_ownFilePerDatabase_withPrimaryKeyIndexAndChecks() {
    for (Dialect d : Dialect.values()) {
      assertEquals(d.schemaResource().replace("schema-", "epoch-keys-"), d.epochKeysResource());
      String ddl = JdbcEpochKeyStore.ddl(d, "app_");
      assertFalse(ddl.contains("${prefix}"), d + " left a placeholder");
      assertFalse(ddl.contains("app_submissions"), d + ": the epoch keys' DDL creates no submission table");
      assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS app_epoch_keys ("), d.toString());
      assertTrue(ddl.contains("PRIMARY KEY (tenant, key_class, window_start, window_length)"), d.toString());
      assertTrue(ddl.contains("app_epoch_keys_destroy_at "), d + " index on destroy_at");
      assertTrue(ddl.contains("app_epoch_keys_wrapped_len CHECK"), d + " checks the wrapped key's length");
      assertTrue(ddl.contains("BETWEEN 1 AND 4096"), d.toString());
      assertTrue(ddl.contains("OUT OF THE SUBMISSIONS' BACKUP DOMAIN"), d + " says where the table belongs");
    }
    assertTrue(JdbcEpochKeyStore.ddl(Dialect.POSTGRESQL, "x_").contains("COLLATE \"C\""));
    assertTrue(JdbcEpochKeyStore.ddl(Dialect.MARIADB, "x_").contains("COLLATE=utf8mb4_nopad_bin"));
    assertTrue(JdbcEpochKeyStore.ddl(Dialect.MYSQL, "x_").contains("COLLATE=utf8mb4_0900_bin"));
    assertEquals(2, JdbcSchema.statements(JdbcEpochKeyStore.ddl(Dialect.H2, "x_")).size());
    assertEquals(2, JdbcSchema.statements(JdbcEpochKeyStore.ddl(Dialect.POSTGRESQL, "x_")).size());
    assertEquals(1, JdbcSchema.statements(JdbcEpochKeyStore.ddl(Dialect.MARIADB, "x_")).size());
    assertThrows(IllegalArgumentException.class, () -> JdbcEpochKeyStore.ddl(Dialect.H2, "X"));
  }

  @Test
  void ddl_refusesRowsThatBreakTheRules() throws SQLException {
    JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).createSchema().build();
    String insert = "INSERT INTO " + prefix + "epoch_keys (tenant, key_class, window_start, window_length, destroy_at,"
        + " version, wrapped) VALUES ";
    long start = ID.windowStartMillis();
    long end = ID.windowEnd().toEpochMilli();
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      for (String values : List.of(
          "('', 'data', " + start + ", 3600000, " + end + ", 0, X'')",                  // no wrapped byte
          "('', 'data', " + (start + 60_000) + ", 3600000, " + end + ", 0, X'01')",     // start not aligned
          "('', 'data', " + start + ", 3600000, " + (end - 1) + ", 0, X'01')",          // destroyed before its end
          "('', 'data', " + start + ", 3600000, " + end + ", -1, X'01')")) {            // negative version
        assertThrows(SQLException.class, () -> s.executeUpdate(insert + values), values);
      }
    }
  }

  @Test
  void damagedRows_dueOnesAreDestroyed_liveOnesAreStoreExceptionsNamingTheId() throws SQLException {
    JdbcEpochKeyStore store = JdbcEpochKeyStore.builder(h2).tablePrefix(prefix).createSchema().build();
    long start = ID.windowStartMillis();
    long end = ID.windowEnd().toEpochMilli();
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      // an upper-case tenant breaks EpochKeyId's rules; the DDL cannot tell
      s.executeUpdate("INSERT INTO " + prefix + "epoch_keys VALUES ('Bad', 'data', " + start + ", 3600000, " + end
          + ", 0, X'4242')");
      s.executeUpdate("INSERT INTO " + prefix + "epoch_keys VALUES ('Late', 'data', " + start + ", 3600000, "
          + (end + 86_400_000L) + ", 0, X'4242')");
    }
    StoredEpochKey good = key();
    store.insertIfAbsent(good);
    StoreException e = assertThrows(StoreException.class, () -> store.live(T0, null, 10));
    assertTrue(e.getMessage().startsWith("listing of live epoch keys failed: the stored epoch key (Bad, data, "),
        e.getMessage());
    assertFalse(e.getMessage().contains("4242") || e.getMessage().contains("BB"), "no wrapped bytes: " + e.getMessage());
    Instant due = Instant.ofEpochMilli(end).plus(Duration.ofMinutes(5));
    assertEquals(List.of(good.id()), store.destroyDue(due, 10), "the valid due key is returned");
    assertEquals(List.of(), store.destroyDue(due, 10), "the damaged due row was deleted with it");
    assertThrows(StoreException.class, () -> store.live(due, null, 10), "the live damaged row still fails");
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void insertIfAbsent_twoInstancesRacing_agreeOnOneWinner(TestDatabase database) throws Exception {
    DataSource raw = database.require();
    String p = TestDatabase.uniquePrefix("ekx");
    TestPool poolA = new TestPool(raw, 8);
    TestPool poolB = new TestPool(raw, 8);
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      JdbcEpochKeyStore a = JdbcEpochKeyStore.builder(poolA).tablePrefix(p).createSchema().build();
      JdbcEpochKeyStore b = JdbcEpochKeyStore.builder(poolB).tablePrefix(p).createSchema().build();
      for (int round = 0; round < 5; round++) {
        EpochKeyId id = EpochKeyId.containing("", "data", T0.plus(Duration.ofHours(round)), Duration.ofHours(1));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StoredEpochKey>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          JdbcEpochKeyStore instance = i % 2 == 0 ? a : b;
          StoredEpochKey mine = new StoredEpochKey(id, id.windowEnd(), 0, new byte[] {(byte) i, 1, 2});
          results.add(threads.submit(() -> {
            go.await();
            return instance.insertIfAbsent(mine);
          }));
        }
        go.countDown();
        Set<StoredEpochKey> seen = new HashSet<>();
        for (Future<StoredEpochKey> f : results) {
          seen.add(f.get(60, TimeUnit.SECONDS));
        }
        assertEquals(1, seen.size(), database + ": winners seen by 16 racing inserts on two instances: " + seen);
        assertEquals(Optional.of(seen.iterator().next()), a.find(id, T0));
        assertEquals(Optional.of(seen.iterator().next()), b.find(id, T0));
      }
      assertEquals(0, poolA.borrowed() + poolB.borrowed(), "connections still borrowed");
    } finally {
      threads.shutdownNow();
      poolA.close();
      poolB.close();
      TestDatabase.dropTables(raw, p);
    }
  }

  private static StoredEpochKey key() {
    return new StoredEpochKey(ID, ID.windowEnd().plus(Duration.ofMinutes(5)), 0, new byte[] {1, 2, 3});
  }
}
