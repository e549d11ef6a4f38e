package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Four purgers, each with its own store and its own connection, over 100,000 due rows and 10,000 rows not yet
 * due: the purged counts sum to exactly 100,000, nobody deadlocks, and the 10,000 others are intact. H2 runs
 * at a fifth of that size: its deletes are several times slower, and there the point is exactness, not scale.
 */
class ConcurrentPurgeTest {
  private static final Instant NOW = Instant.parse("2031-03-14T09:26:53.589Z");
  private static final int DUE_ROWS = 100_000;
  private static final int NOT_DUE_ROWS = 10_000;
  private static final int PURGERS = 4;
  private static final int BATCH = 1_000;

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void fourPurgers_purgeEachDueRowExactlyOnce(TestDatabase db) throws Exception {
    DataSource raw = db.require();
    int scale = db == TestDatabase.H2 ? 5 : 1;
    int dueRows = DUE_ROWS / scale;
    int notDueRows = NOT_DUE_ROWS / scale;
    String prefix = TestDatabase.uniquePrefix("purge");
    String table = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build().tableName();
    ExecutorService pool = Executors.newFixedThreadPool(PURGERS);
    try {
      long now = NOW.toEpochMilli();
      long t0 = System.nanoTime();
      // due: purge_at from now - 99,999 ms up to now; not due: from now + 1 ms on
      Set<SubmissionId> due = BulkRows.insert(db, table, dueRows, now - (dueRows - 1), 1);
      Set<SubmissionId> notDue = BulkRows.insert(db, table, notDueRows, now + 1, 1);
      long loaded = System.nanoTime();

      List<TestPool> pools = new ArrayList<>();
      List<Future<List<SubmissionId>>> purgers = new ArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      for (int i = 0; i < PURGERS; i++) {
        TestPool own = new TestPool(raw, 1);
        pools.add(own);
        JdbcSubmissionStore store = JdbcSubmissionStore.builder(own).tablePrefix(prefix).build();
        purgers.add(pool.submit(() -> {
          go.await();
          List<SubmissionId> mine = new ArrayList<>();
          List<SubmissionMetadata> batch;
          do {
            batch = store.purgeDue(NOW, BATCH).purged();
            batch.forEach(m -> mine.add(m.id()));
          } while (batch.size() == BATCH);
          return mine;
        }));
      }
      long start = System.nanoTime();
      go.countDown();
      List<SubmissionId> all = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (Future<List<SubmissionId>> f : purgers) {
        try {
          List<SubmissionId> mine = f.get(120, TimeUnit.SECONDS);
          counts.add(mine.size());
          all.addAll(mine);
        } catch (TimeoutException e) {
          throw new AssertionError("a purger did not finish within 120 s: deadlocked or blocked");
        }
      }
      long purgeNanos = System.nanoTime() - start;

      assertEquals(dueRows, all.size(), "purged rows summed over the purgers " + counts);
      BulkRows.assertSameIds(due, new HashSet<>(all), "exactly the due rows, each once");
      assertEquals(0, BulkRows.count(db, table, Long.MIN_VALUE, now), "due rows left");
      BulkRows.assertSameIds(notDue, BulkRows.ids(db, table), "the rows not yet due, all intact");
      for (TestPool p : pools) {
        assertEquals(0, p.borrowed());
        assertEquals(List.of(), p.violations());
      }
      // SKIP LOCKED lets the purgers work side by side instead of queueing behind one another
      assertTrue(counts.stream().filter(c -> c > 0).count() >= 2, "the purgers shared the work: " + counts);
      System.out.printf("[%s] %,d rows loaded in %,d ms; %d purgers purged %,d rows in %,d ms: %,.0f rows/s, per purger %s%n",
          db, dueRows + notDueRows, (loaded - t0) / 1_000_000, PURGERS, dueRows, purgeNanos / 1_000_000,
          dueRows / (purgeNanos / 1e9), counts);
    } finally {
      pool.shutdownNow();
      TestDatabase.dropTables(raw, prefix);
    }
  }
}
