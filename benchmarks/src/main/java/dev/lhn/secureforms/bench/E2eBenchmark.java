package dev.lhn.secureforms.bench;

import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.internal.Envelope;
import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end, 4 threads: a visitor submits the card form and an operator reveals it (view once, so the
 * reveal deletes it), through {@link SecureForms} on each store, next to its floor on the same database:
 * a plain JDBC insert of the same bytes (id, deadline, sealed envelope) and a plain delete by id, each on
 * its own pooled connection in auto-commit, as the store borrows one per operation. For the in-memory store
 * the floor is a {@link ConcurrentHashMap} put and remove of the same bytes.
 *
 * <p>Both sides share one {@link BenchDataSource} of 4 connections per database. Ours does, per round trip:
 * validate and normalise, look up whether the conversation ended, seal (6 fields under a data key wrapped by
 * the cached epoch key: no KEK call once the trial's epoch key exists), insert with its journal record, look
 * up the end again; then the claim: read the row, open, and take the view by compare-and-set with its
 * records (on PostgreSQL the insert and the view are one statement each); plus events (no listener).
 *
 * <p>With the JDBC stores the journal is on (its records written with each change, as in production; no
 * chainer runs); the in-memory variant runs without it (its journal is bounded and would fill).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.log.org.mariadb.jdbc=error"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 5)
public class E2eBenchmark {
  @Param({"memory", "h2", "postgresql", "mariadb"})
  public String store;

  private BenchDataSource dataSource;
  private SecureForms forms;
  private final Map<ByteBuffer, byte[]> memoryFloor = new ConcurrentHashMap<>();
  private final Map<String, String> values = CardForm.values();
  private final Viewer viewer = Viewer.of("operator-7");
  private byte[] sealed;
  private String insertFloor;
  private String deleteFloor;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    SubmissionStore submissions;
    EpochKeyStore epochKeys;
    if (store.equals("memory")) {
      // Without the journal: the in-memory journal is bounded (1,000,000 records, fail closed when full),
      // and this variant's rate fills it within seconds; so "memory" is the library's own CPU cost.
      submissions = new JournalBenchmark.WithoutEvidence(SubmissionStore.inMemory());
      epochKeys = EpochKeyStore.inMemory();
    } else {
      dataSource = Databases.open(store, 4, "");
      Databases.dropAll(dataSource);
      Databases.execute(dataSource, Databases.floorDdl(store));
      Databases.execute(dataSource, "CREATE INDEX " + Databases.FLOOR_TABLE + "_purge_at ON "
          + Databases.FLOOR_TABLE + " (purge_at)");
      submissions = JdbcSubmissionStore.builder(dataSource).tablePrefix(Databases.PREFIX).createSchema().build();
      // Same database here: the round trip reads an epoch key once per trial, then from the cache.
      epochKeys = JdbcEpochKeyStore.builder(dataSource).tablePrefix(Databases.PREFIX).createSchema().build();
      insertFloor = "INSERT INTO " + Databases.FLOOR_TABLE + " (id, purge_at, envelope) VALUES (?, ?, ?)";
      deleteFloor = "DELETE FROM " + Databases.FLOOR_TABLE + " WHERE id = ?";
    }
    forms = SecureForms.builder()
        .keyEncryptionKey(CardForm.localKek())
        .store(submissions)
        .epochKeyStore(epochKeys)
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
    try (NormalizedValues v = CardForm.SCHEMA.normalize(values, InstantSource.system().instant())) {
      sealed = new Envelope(CardForm.localKek()).seal(dev.lhn.secureforms.SubmissionId.random(new SecureRandom()),
          CardForm.FORM_ID, CardForm.VERSION, v);
    }
    // one round trip each, so that a broken setup fails here and not as a silent zero
    roundTrip_lhnSecureForms();
    roundTrip_floor();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    forms.close();
    if (dataSource != null) {
      Databases.dropAll(dataSource);
      dataSource.close();
    }
  }

  @Benchmark
  public int roundTrip_lhnSecureForms() {
    SubmissionReceipt receipt = forms.submit(CardForm.SCHEMA, "conversation-42", values);
    try (RevealedSubmission revealed = forms.reveal(receipt.id(), viewer).orElseThrow()) {
      return revealed.viewsLeft();
    }
  }

  @Benchmark
  public int roundTrip_floor() throws SQLException {
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    if (dataSource == null) {
      ByteBuffer key = ByteBuffer.wrap(id);
      memoryFloor.put(key, sealed.clone());
      return memoryFloor.remove(key).length;
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insertFloor)) {
      ps.setBytes(1, id);
      ps.setLong(2, InstantSource.system().millis() + 86_400_000L);
      ps.setBytes(3, sealed);
      ps.executeUpdate();
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(deleteFloor)) {
      ps.setBytes(1, id);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("the floor's row vanished");
      }
    }
    return 0;
  }
}
