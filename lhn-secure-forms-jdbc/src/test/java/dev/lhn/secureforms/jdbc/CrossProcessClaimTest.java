package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two JVMs, four threads each, race to claim the same 1,000 view-once submissions: exactly one claim per
 * submission in total, and none left. Exactness across processes comes from the database alone.
 */
class CrossProcessClaimTest {
  private static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");
  private static final int SUBMISSIONS = 1_000;
  private static final int JVMS = 2;
  private static final int THREADS = 4;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
  void twoJvms_claimEachSubmissionExactlyOnce(TestDatabase db) throws Exception {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("xjvm");
    List<Jvm> jvms = new ArrayList<>();
    try (TestPool pool = new TestPool(raw, 4)) {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).createSchema().build();
      SecureRandom random = new SecureRandom();
      List<String> ids = new ArrayList<>();
      long insertStart = System.nanoTime();
      for (int i = 0; i < SUBMISSIONS; i++) {
        SubmissionId id = SubmissionId.random(random);
        byte[] envelope = new byte[300];
        random.nextBytes(envelope);
        store.insert(new StoredSubmission(new SubmissionMetadata(id, "card-payment", 1, "conv-" + (i % 50), T0, 0, 1, 1,
            null, T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)), null, null,
            Map.of("cvc", RetentionPolicy.afterConversationEnd(Duration.ZERO)), Map.of("pan", "Visa ****4242")),
            envelope));
        ids.add(id.toString());
      }
      long insertMillis = (System.nanoTime() - insertStart) / 1_000_000;
      Path idsFile = Files.write(dir.resolve("ids.txt"), ids);

      for (int j = 0; j < JVMS; j++) {
        jvms.add(Jvm.start("claimer-" + j, ClaimWorker.class, Map.of("LSF_WORKER_URL", db.url()), prefix,
            idsFile.toString(), dir.resolve("won-" + j + ".txt").toString(), String.valueOf(THREADS)));
      }
      for (Jvm jvm : jvms) {
        jvm.await("READY", 60);
      }
      for (Jvm jvm : jvms) {
        jvm.send("GO");
      }
      List<String> done = new ArrayList<>();
      for (Jvm jvm : jvms) {
        done.add(jvm.await("DONE", 120));
        assertEquals(0, jvm.waitFor(30), jvm.name + " exit code; output " + jvm.transcript());
      }

      Set<String> union = new HashSet<>();
      int total = 0;
      long slowest = 0;
      long attempts = 0;
      for (int j = 0; j < JVMS; j++) {
        List<String> won = Files.readAllLines(dir.resolve("won-" + j + ".txt"));
        total += won.size();
        union.addAll(won);
        String[] parts = done.get(j).split(" ");
        attempts += Long.parseLong(parts[2]);
        slowest = Math.max(slowest, Long.parseLong(parts[3]));
        assertTrue(done.get(j).endsWith("[]"), "the worker's pool saw connections handed back dirty: " + done.get(j));
      }
      assertEquals(SUBMISSIONS, total, "successful claims summed over the JVMs " + done);
      assertEquals(new HashSet<>(ids), union, "every submission claimed, each exactly once");
      BulkRows.assertSameIds(Set.of(), BulkRows.ids(db, store.tableName()), "rows left after every view was taken");
      System.out.printf("[%s] inserted %,d submissions in %,d ms (%,.0f inserts/s, one thread); %d JVMs x %d threads: "
              + "%,d claims won of %,d attempts in %,d ms (%,.0f claim attempts/s)%n", db, SUBMISSIONS, insertMillis,
          SUBMISSIONS / (insertMillis / 1e3), JVMS, THREADS, total, attempts, slowest, attempts / (slowest / 1e3));
    } finally {
      jvms.forEach(Jvm::close);
      TestDatabase.dropTables(raw, prefix);
    }
  }
}
