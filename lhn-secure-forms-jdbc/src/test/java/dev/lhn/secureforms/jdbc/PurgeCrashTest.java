package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lhn.secureforms.SubmissionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A purging JVM is killed with SIGKILL in the middle of a batch (rows deleted, commit not sent). Once the
 * database has noticed, one more purgeDue removes every due row, the killed batch included, and every row
 * not yet due is intact.
 */
class PurgeCrashTest {
  private static final Instant NOW = Instant.parse("2031-03-14T09:26:53.589Z");
  private static final int DUE = 12_000;
  private static final int NOT_DUE = 2_000;
  private static final int BATCH = 2_000;

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
  void killedMidBatch_nextPurgeFinishesTheJob(TestDatabase db) throws Exception {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("crash");
    JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
    String table = store.tableName();
    long now = NOW.toEpochMilli();
    Set<SubmissionId> notDue = BulkRows.insert(db, table, NOT_DUE, now + 1, 1);
    BulkRows.insert(db, table, DUE, now - DUE, 1);
    try (Jvm worker = Jvm.start("purger", PurgeWorker.class, Map.of("LSF_WORKER_URL", db.url()), prefix,
        String.valueOf(now), String.valueOf(BATCH), "3")) {
      // batches 1 and 2 commit, batch 3 is deleted but not committed when the worker blocks
      String committed = null;
      String line;
      while (!(line = worker.await("", 60)).startsWith("BLOCKED")) {
        if (line.startsWith("ERROR") || line.startsWith("FINISHED")) {
          throw new AssertionError("the worker did not block: " + worker.transcript());
        }
        committed = line;
      }
      String session = line.substring("BLOCKED ".length()).strip();
      assertEquals("COMMITTED " + (2 * BATCH), committed, "what the worker committed before it blocked");
      assertEquals(DUE - 2 * BATCH, BulkRows.count(db, table, Long.MIN_VALUE, now),
          "due rows others see while the killed batch is uncommitted");

      worker.process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no rollback from the client
      assertEquals(true, worker.process.waitFor(30, TimeUnit.SECONDS), "the worker died");
      awaitSessionGone(raw, db, session);

      int purged = store.purgeDue(NOW, 10_000).size();
      assertEquals(DUE - 2 * BATCH, purged, "one more purge takes every remaining due row, the killed batch too");
      assertEquals(0, BulkRows.count(db, table, Long.MIN_VALUE, now), "due rows left");
      BulkRows.assertSameIds(notDue, BulkRows.ids(db, table), "rows not yet due, all intact");
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  /** Waits until the database has dropped the killed worker's session (and so rolled back its batch). */
  private static void awaitSessionGone(DataSource raw, TestDatabase db, String session) throws Exception {
    String query = db == TestDatabase.POSTGRESQL
        ? "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?"
        : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
        ps.setLong(1, Long.parseLong(session));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
      } catch (SQLException e) {
        throw new AssertionError("cannot watch the session (SQL state " + e.getSQLState() + ")");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(db + " still has session " + session + " 30 s after its JVM was killed");
      }
      Thread.sleep(50);
    }
  }
}
