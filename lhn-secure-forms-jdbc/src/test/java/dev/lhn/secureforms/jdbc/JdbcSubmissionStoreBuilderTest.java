package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The builder, the DDL accessors and argument checks, on embedded H2. */
class JdbcSubmissionStoreBuilderTest {
  private static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");

  private DataSource h2;
  private String prefix;

  @BeforeEach
  void setUp() {
    h2 = TestDatabase.H2.require();
    prefix = TestDatabase.uniquePrefix("bld");
  }

  @AfterEach
  void tearDown() {
    TestDatabase.dropTables(h2, prefix);
  }

  @Test
  void build_defaults_detectH2_andUseLsfPrefix() {
    String defaultTable = "lsf_submissions";
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(h2).createSchema().build();
      assertEquals(Dialect.H2, store.dialect());
      assertEquals(defaultTable, store.tableName());
      assertEquals("JdbcSubmissionStore[H2, table=lsf_submissions]", store.toString());
    } finally {
      TestDatabase.dropTables(h2, "lsf_");
    }
  }

  @Test
  void createSchema_isIdempotent_andTheTableWorks() {
    JdbcSubmissionStore first = JdbcSubmissionStore.builder(h2).tablePrefix(prefix).createSchema().build();
    StoredSubmission s = submission();
    first.insert(s);
    JdbcSubmissionStore second = JdbcSubmissionStore.builder(h2).tablePrefix(prefix).createSchema().build();
    assertEquals(Optional.of(s), second.find(s.metadata().id(), T0), "the existing table and row are kept");
    JdbcSubmissionStore withoutCreate = JdbcSubmissionStore.builder(h2).tablePrefix(prefix).build();
    assertEquals(prefix + "submissions", withoutCreate.tableName());
  }

  @Test
  void build_missingTable_namesTableAndDdl() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JdbcSubmissionStore.builder(h2).tablePrefix(prefix).build());
    assertEquals("table " + prefix + "submissions does not exist: create it with "
        + "dev/lhn/secureforms/jdbc/schema-h2.sql (JdbcSubmissionStore.ddl(Dialect.H2, \"" + prefix
        + "\")) or call createSchema()", e.getMessage());
  }

  @Test
  void build_tableWithoutTheColumns_namesSchemaVersion() throws SQLException {
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + prefix + "submissions (id BINARY(16) PRIMARY KEY, purge_at BIGINT)");
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JdbcSubmissionStore.builder(h2).tablePrefix(prefix).createSchema().build());
    assertTrue(e.getMessage().startsWith("table " + prefix + "submissions lacks columns of schema version 1"),
        e.getMessage());
  }

  @Test
  void build_unsupportedDatabase_namesTheProduct() {
    DataSource oracle = fakeDatabase("Oracle", "Oracle Database 19c Enterprise Edition");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> JdbcSubmissionStore.builder(oracle).build());
    assertEquals("unsupported database 'Oracle' (Oracle Database 19c Enterprise Edition): JdbcSubmissionStore supports "
        + "PostgreSQL, MariaDB, MySQL and H2", e.getMessage());
  }

  @Test
  void build_connectionFailure_isStoreExceptionWithoutTheDriversMessage() {
    DataSource down = new DelegatingDataSource(h2) {
      @Override
      public Connection getConnection() throws SQLException {
        throw new SQLException("connection to db:5432 refused; password=hunter2", "08001");
      }
    };
    dev.lhn.secureforms.StoreException e = assertThrows(dev.lhn.secureforms.StoreException.class,
        () -> JdbcSubmissionStore.builder(down).build());
    assertEquals("setting up the submission store (table lsf_submissions) failed (SQL state 08001)", e.getMessage());
    assertEquals("08001", e.sqlState());
    assertEquals(null, e.getCause());
  }

  @Test
  void tablePrefix_isValidated() {
    JdbcSubmissionStore.Builder b = JdbcSubmissionStore.builder(h2);
    for (String bad : List.of("", "Lsf_", "1lsf_", "lsf-", "lsf_\u00e9_", "lsf; drop table x", "a".repeat(32))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.tablePrefix(bad), bad);
      assertTrue(e.getMessage().startsWith("tablePrefix must match [a-z_][a-z0-9_]{0,30} (lower case, at most 31 "
          + "characters), got '"), e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> b.tablePrefix(null));
    b.tablePrefix("_" + "a".repeat(30)); // 31 characters: accepted
  }

  @Test
  void options_canBeSetOnce_andSayWhatTheyWere() {
    JdbcSubmissionStore.Builder b = JdbcSubmissionStore.builder(h2).tablePrefix("app_").createSchema().useDatabaseClock()
        .dialect(Dialect.H2);
    assertEquals("tablePrefix was already set to 'app_'",
        assertThrows(IllegalStateException.class, () -> b.tablePrefix("other_")).getMessage());
    assertEquals("createSchema() was already called",
        assertThrows(IllegalStateException.class, b::createSchema).getMessage());
    assertEquals("useDatabaseClock() was already called",
        assertThrows(IllegalStateException.class, b::useDatabaseClock).getMessage());
    assertEquals("dialect was already set to H2",
        assertThrows(IllegalStateException.class, () -> b.dialect(Dialect.MYSQL)).getMessage());
    assertThrows(NullPointerException.class, () -> JdbcSubmissionStore.builder(null));
  }

  @Test
  void build_neverChangesTheBuilder_andCanRunTwice() {
    JdbcSubmissionStore.Builder b = JdbcSubmissionStore.builder(h2).tablePrefix(prefix).createSchema();
    JdbcSubmissionStore one = b.build();
    JdbcSubmissionStore two = b.build();
    assertEquals(one.tableName(), two.tableName());
  }

  @Test
  void ddl_fillsThePrefix_andDeclaresTheIndexes() {
    for (Dialect d : Dialect.values()) {
      String ddl = JdbcSubmissionStore.ddl(d, "app_");
      assertFalse(ddl.contains("${prefix}"), d + " left a placeholder");
      assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS app_submissions ("), d.toString());
      assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS app_ended_conversations ("), d.toString());
      assertTrue(ddl.contains("app_submissions_envelope_len CHECK"), d + " checks the envelope's length");
      for (String column : List.of("purge_at", "field_purge_at", "conversation_id")) {
        assertTrue(ddl.contains("app_submissions_" + column.replace("conversation_id", "conversation") + " "), d + " index on " + column);
      }
      assertTrue(ddl.contains("version "), d + " has the version column");
      List<String> statements = JdbcSchema.statements(ddl);
      assertTrue(statements.stream().noneMatch(s -> s.endsWith(";") || s.startsWith("--")), d + ": " + statements);
    }
    for (Dialect d : Dialect.values()) { // the journal's tables (#11) travel with the submissions
      String ddl = JdbcSubmissionStore.ddl(d, "app_");
      for (String table : List.of("app_journal (", "app_journal_chain (", "app_outbox (")) {
        assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS " + table), d + " creates " + table);
      }
    }
    assertEquals(11, JdbcSchema.statements(JdbcSubmissionStore.ddl(Dialect.H2, "x_")).size());
    assertEquals(13, JdbcSchema.statements(JdbcSubmissionStore.ddl(Dialect.POSTGRESQL, "x_")).size());
    assertEquals(5, JdbcSchema.statements(JdbcSubmissionStore.ddl(Dialect.MARIADB, "x_")).size());
    assertThrows(IllegalArgumentException.class, () -> JdbcSubmissionStore.ddl(Dialect.H2, "X"));
  }

  @Test
  void insert_formIdLongerThanTheColumn_isRejectedBeforeTheDatabase() {
    JdbcSubmissionStore store = JdbcSubmissionStore.builder(h2).tablePrefix(prefix).createSchema().build();
    StoredSubmission s = submission("f".repeat(65));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.insert(s));
    assertEquals("formId must have at most 64 characters to fit the form_id column, got 65", e.getMessage());
    assertEquals(Optional.empty(), store.find(s.metadata().id(), T0));
  }

  @Test
  void batchAndLimit_areChecked() {
    JdbcSubmissionStore store = JdbcSubmissionStore.builder(h2).tablePrefix(prefix).createSchema().build();
    assertEquals("batchSize must be 1 to 10000, got 0",
        assertThrows(IllegalArgumentException.class, () -> store.purgeDue(T0, 0)).getMessage());
    assertEquals("limit must be 1 to 10000, got 10001",
        assertThrows(IllegalArgumentException.class, () -> store.findFieldPurgeDue(T0, 10_001)).getMessage());
    assertThrows(NullPointerException.class, () -> store.find(null, T0));
    assertThrows(NullPointerException.class, () -> store.claim(SubmissionId.random(new SecureRandom()), T0, null));
  }

  private static StoredSubmission submission() {
    return submission("card-payment");
  }

  private static StoredSubmission submission(String formId) {
    SubmissionId id = SubmissionId.random(new SecureRandom());
    return new StoredSubmission(new SubmissionMetadata(id, formId, 1, "conv", T0, 0, 1, 1, null,
        T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)), null, null, Map.of(), Map.of("pan", "****4242")),
        new byte[] {1, 2, 3});
  }

  /** A data source whose connections report another product and support nothing else. */
  private static DataSource fakeDatabase(String product, String version) {
    DatabaseMetaData md = (DatabaseMetaData) Proxy.newProxyInstance(JdbcSubmissionStoreBuilderTest.class.getClassLoader(),
        new Class<?>[] {DatabaseMetaData.class}, (p, m, a) -> switch (m.getName()) {
          case "getDatabaseProductName" -> product;
          case "getDatabaseProductVersion" -> version;
          case "getDatabaseMajorVersion", "getDatabaseMinorVersion" -> 19;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    Connection c = (Connection) Proxy.newProxyInstance(JdbcSubmissionStoreBuilderTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (p, m, a) -> switch (m.getName()) {
          case "getMetaData" -> md;
          case "close" -> null;
          case "getAutoCommit" -> true;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    return new DelegatingDataSource(null) {
      @Override
      public Connection getConnection() {
        return c;
      }
    };
  }
}
