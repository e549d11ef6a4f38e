package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the kit cannot see: the database clock, the stored time format, real driver errors, pool modes. */
class DatabaseFeaturesTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void useDatabaseClock_decidesWhatIsDue_whateverNowIsPassed(TestDatabase db) {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("clock");
    try {
      JdbcSubmissionStore appClock = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      JdbcSubmissionStore dbClock = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).useDatabaseClock().build();
      assertTrue(dbClock.toString().endsWith(", database clock]"), dbClock.toString());
      // test code may read the wall clock: the database runs on this machine
      Instant wall = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      StoredSubmission past = submission(wall.minusSeconds(600), wall.minusSeconds(60));
      StoredSubmission future = submission(wall.minusSeconds(600), wall.plusSeconds(3600));
      appClock.insert(past);
      appClock.insert(future);
      assertEquals(List.of(), appClock.purgeDue(Instant.EPOCH, 100).purged(), "the application clock at 1970: nothing due");
      assertEquals(List.of(past.metadata()), dbClock.purgeDue(Instant.EPOCH, 100).purged(), "by the database clock");
      assertEquals(List.of(), dbClock.purgeDue(Instant.parse("2999-01-01T00:00:00Z"), 100).purged(),
          "a far future now changes nothing on the database clock");
      assertEquals(Optional.of(future), appClock.find(future.metadata().id(), wall));
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void times_areStoredAsUtcEpochMillis_whateverTheJvmZone(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("zone");
    TimeZone original = TimeZone.getDefault();
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      Instant submitted = Instant.parse("2031-10-26T01:30:00.123Z"); // inside a DST change in many zones
      StoredSubmission s = submission(submitted, submitted.plus(Duration.ofHours(5)));
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
      store.insert(s);
      TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
      assertEquals(Optional.of(s), store.find(s.metadata().id(), submitted));
      try (Connection c = raw.getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT submitted_at, purge_at, expires_at FROM " + store.tableName()
              + " WHERE id = ?")) {
        ps.setBytes(1, s.metadata().id().toBytes());
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(submitted.toEpochMilli(), rs.getLong(1));
          assertEquals(s.metadata().purgeAt().toEpochMilli(), rs.getLong(2));
          assertEquals(s.metadata().expiresAt().toEpochMilli(), rs.getLong(3));
        }
      }
    } finally {
      TimeZone.setDefault(original);
      TestDatabase.dropTables(raw, prefix);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void realDriverErrors_becomeStoreExceptions_withStateButNotMessage(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("err");
    JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
    TestDatabase.dropTables(raw, prefix);
    String driverMessage;
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      s.executeQuery("SELECT id FROM " + store.tableName());
      throw new AssertionError("the table should be gone");
    } catch (SQLException e) {
      driverMessage = e.getMessage();
    }
    StoredSubmission s = submission(Instant.parse("2031-01-01T00:00:00Z"), Instant.parse("2031-01-02T00:00:00Z"));
    List<StoreException> errors = List.of(
        assertThrows(StoreException.class, () -> store.insert(s)),
        assertThrows(StoreException.class, () -> store.find(s.metadata().id(), Instant.EPOCH)),
        assertThrows(StoreException.class, () -> store.claim(s.metadata().id(), Instant.EPOCH, c -> 1)),
        assertThrows(StoreException.class, () -> store.purgeDue(Instant.EPOCH, 10).purged()));
    for (StoreException e : errors) {
      assertNotNull(e.sqlState(), e.getMessage());
      assertTrue(e.sqlState().startsWith("42"), "syntax or access rule violation, got " + e.sqlState());
      assertNull(e.getCause());
      assertFalse(e.getMessage().contains(driverMessage), e.getMessage());
      assertFalse(e.getMessage().contains(store.tableName()), "not even the table name: " + e.getMessage());
    }
    assertTrue(errors.get(0).getMessage().startsWith("insert of submission " + s.metadata().id() + " failed"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void aPoolWithAutoCommitOff_getsEveryOperationCommitted(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("noac");
    try (TestPool pool = new TestPool(raw, 2, false)) {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).createSchema().build();
      Instant t0 = Instant.parse("2031-01-01T00:00:00Z");
      StoredSubmission keep = submission(t0, t0.plus(Duration.ofDays(1)), 3);
      StoredSubmission purge = submission(t0, t0.plusSeconds(10), 1);
      StoredSubmission delete = submission(t0, t0.plus(Duration.ofDays(1)), 1);
      store.insert(keep);
      store.insert(purge);
      store.insert(delete);
      store.claim(keep.metadata().id(), t0, c -> 1);
      assertEquals(1, store.purgeDue(t0.plusSeconds(10), 10).size());
      assertTrue(store.delete(delete.metadata().id()).isPresent());
      assertThrows(IllegalStateException.class, () -> store.claim(keep.metadata().id(), t0, c -> {
        throw new IllegalStateException("refused");
      }));
      // seen from a connection of its own: every change above was committed, the refused claim was not
      try (Connection c = raw.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT views_left, version FROM " + store.tableName())) {
        assertTrue(rs.next(), "the kept row");
        assertEquals(2, rs.getInt(1));
        assertEquals(1, rs.getLong(2));
        assertFalse(rs.next(), "only the kept row is left");
      }
      assertEquals(0, pool.borrowed());
      assertEquals(List.of(), pool.violations());
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void createSchema_fromFourInstancesAtOnce_succeedsEverywhere(TestDatabase db) throws Exception {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("ddl");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<JdbcSubmissionStore>> builds = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        builds.add(pool.submit(() -> JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build()));
      }
      List<JdbcSubmissionStore> stores = new ArrayList<>();
      for (Future<JdbcSubmissionStore> f : builds) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
      StoredSubmission s = submission(Instant.parse("2031-01-01T00:00:00Z"), Instant.parse("2031-01-02T00:00:00Z"));
      stores.get(0).insert(s);
      assertEquals(Optional.of(s), stores.get(3).find(s.metadata().id(), Instant.parse("2031-01-01T00:00:00Z")));
    } finally {
      pool.shutdownNow();
      TestDatabase.dropTables(raw, prefix);
    }
  }

  private static StoredSubmission submission(Instant submittedAt, Instant purgeAt) {
    return submission(submittedAt, purgeAt, 1);
  }

  private static StoredSubmission submission(Instant submittedAt, Instant purgeAt, int views) {
    byte[] envelope = new byte[48];
    RANDOM.nextBytes(envelope);
    return new StoredSubmission(new SubmissionMetadata(SubmissionId.random(RANDOM), "card-payment", 1, "conv-1",
        submittedAt, 0, views, views, null, purgeAt, purgeAt, null, null, Map.of(), Map.of("pan", "****4242")),
        envelope);
  }
}
