package dev.lhn.secureforms.bench;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
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
 * Purging {@code rows} due submissions (100,000 by default) from the JDBC store, single shot: each
 * iteration's setup fills the store's table with copies of one real submitted row (fresh ids, every
 * {@code purge_at} in the past, then {@code VACUUM ANALYZE} / {@code ANALYZE TABLE}), then one variant empties
 * it:
 * <ul>
 *   <li>{@code lhnPurgeDue}: {@link SecureForms#purgeDue()}, what the retention scheduler calls: batches of
 *       {@code batch} rows (default 1,000, the library's default), each locked with
 *       {@code FOR UPDATE SKIP LOCKED}, deleted and returned, one event per row, then the per-field pass;
 *   <li>{@code floor}: one plain {@code DELETE FROM table WHERE purge_at <= ?} in auto-commit;
 *   <li>{@code floorWithJournal}: the same rows deleted and one journal-shaped row per deleted row written
 *       into the store's own journal table (same indexes), in SQL alone, in one transaction: on PostgreSQL
 *       one {@code WITH d AS (DELETE ... RETURNING ...) INSERT INTO journal SELECT ... FROM d}, elsewhere an
 *       {@code INSERT INTO journal SELECT ... FROM table WHERE purge_at <= ?} then the {@code DELETE}. What
 *       any purge that keeps a record per row must at least pay; no batches, no locks skipped.
 * </ul>
 * Each iteration's setup also empties the journal, so that no variant pays for the records of another.
 * The score is the time for all rows; {@link RenderResults} turns it into rows per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.log.org.mariadb.jdbc=error"})
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class PurgeBenchmark {
  @Param({"h2", "postgresql", "mariadb"})
  public String store;

  @Param({"100000"})
  public int rows;

  @Param({"1000"})
  public int batch;

  private static final Instant SUBMITTED = Instant.parse("2026-11-29T12:00:00Z");
  /** Every copied row is due at {@code NOW}. */
  private static final Instant NOW = SUBMITTED.plusSeconds(3600);

  private BenchDataSource dataSource;
  private SecureForms forms;
  private String[] columns;
  private int[] types;
  private Object[] template;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    // the load path batches inserts; the measured statements do not batch, so this changes nothing measured
    String suffix = store.equals("postgresql") ? "?reWriteBatchedInserts=true" : "";
    dataSource = Databases.open(store, 2, suffix);
    Databases.dropAll(dataSource);
    JdbcSubmissionStore submissions = JdbcSubmissionStore.builder(dataSource)
        .tablePrefix(Databases.PREFIX).createSchema().build();
    JdbcEpochKeyStore epochKeys = JdbcEpochKeyStore.builder(dataSource)
        .tablePrefix(Databases.PREFIX).createSchema().build();
    Aead kek = CardForm.localKek(); // one KEK for both instances: they share the epoch keys
    forms = SecureForms.builder()
        .keyEncryptionKey(kek)
        .store(submissions)
        .epochKeyStore(epochKeys)
        .retentionScheduler(RetentionScheduler.disabled())
        .clock(InstantSource.fixed(NOW))
        .purgeBatchSize(batch)
        .build();
    // One real row, written by the store, is the template of every copy.
    SubmissionReceipt r = SecureForms.builder()
        .keyEncryptionKey(kek)
        .store(submissions)
        .epochKeyStore(epochKeys)
        .retentionScheduler(RetentionScheduler.disabled())
        .clock(InstantSource.fixed(SUBMITTED))
        .build()
        .submit(CardForm.SCHEMA, "conversation-42", CardForm.values());
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM " + Databases.STORE_TABLE + " WHERE id = ?")) {
      ps.setBytes(1, r.id().toBytes());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the template row is missing");
        }
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        columns = new String[n];
        types = new int[n];
        template = new Object[n];
        for (int i = 0; i < n; i++) {
          columns[i] = md.getColumnName(i + 1).toLowerCase(java.util.Locale.ROOT);
          types[i] = md.getColumnType(i + 1);
          template[i] = isBinary(types[i]) ? rs.getBytes(i + 1) : rs.getObject(i + 1);
        }
      }
    }
    column("id");
    column("purge_at");
    Databases.execute(dataSource, "DELETE FROM " + Databases.STORE_TABLE);
  }

  @Setup(Level.Iteration)
  public void fill() throws SQLException {
    Databases.execute(dataSource, "DELETE FROM " + Databases.STORE_TABLE);
    Databases.execute(dataSource, "DELETE FROM " + JOURNAL_TABLE);
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(Databases.STORE_TABLE).append(" (");
    for (int i = 0; i < columns.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(columns[i]);
    }
    sql.append(") VALUES (").append("?, ".repeat(columns.length - 1)).append("?)");
    int id = column("id");
    int purgeAt = column("purge_at");
    long due = NOW.toEpochMilli() - rows;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      c.setAutoCommit(false);
      for (int row = 0; row < rows; row++) {
        for (int i = 0; i < columns.length; i++) {
          Object v = template[i];
          if (i == id) {
            byte[] fresh = new byte[16]; // a new array per row: some drivers keep a batch's arrays
            ThreadLocalRandom.current().nextBytes(fresh);
            ps.setBytes(i + 1, fresh);
          } else if (i == purgeAt) {
            ps.setLong(i + 1, due + row);
          } else if (v == null) {
            ps.setNull(i + 1, types[i]);
          } else if (v instanceof byte[] b) {
            ps.setBytes(i + 1, b);
          } else {
            ps.setObject(i + 1, v);
          }
        }
        ps.addBatch();
        if ((row + 1) % 1000 == 0 || row + 1 == rows) {
          ps.executeBatch();
        }
        if ((row + 1) % 10_000 == 0 || row + 1 == rows) {
          c.commit();
        }
      }
      c.commit();
      c.setAutoCommit(true);
    }
    switch (store) {
      case "postgresql" -> Databases.execute(dataSource, "VACUUM ANALYZE " + Databases.STORE_TABLE);
      case "mariadb" -> Databases.execute(dataSource, "ANALYZE TABLE " + Databases.STORE_TABLE);
      default -> Databases.execute(dataSource, "ANALYZE TABLE " + Databases.STORE_TABLE);
    }
    long count = count();
    if (count != rows) {
      throw new IllegalStateException("filled " + count + " rows, wanted " + rows);
    }
  }

  @TearDown(Level.Iteration)
  public void checkEmpty() throws SQLException {
    long left = count();
    if (left != 0) {
      throw new IllegalStateException(left + " due rows were left behind");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws SQLException {
    forms.close();
    Databases.dropAll(dataSource);
    dataSource.close();
  }

  @Benchmark
  public int purge_lhnPurgeDue() {
    return forms.purgeDue();
  }

  @Benchmark
  public int purge_floor() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + Databases.STORE_TABLE + " WHERE purge_at <= ?")) {
      ps.setLong(1, NOW.toEpochMilli());
      return ps.executeUpdate();
    }
  }

  @Benchmark
  public int purge_floorWithJournal() throws SQLException {
    String columns = "id, event, at_ms, outcome, submission_id, form_id, form_version, conversation_ref, detail";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      int deleted;
      if (store.equals("postgresql")) {
        try (PreparedStatement ps = c.prepareStatement("WITH d AS (DELETE FROM " + Databases.STORE_TABLE
            + " WHERE purge_at <= ? RETURNING id, form_id, schema_version, conversation_id) INSERT INTO "
            + JOURNAL_TABLE + " (" + columns + ") SELECT CAST(gen_random_uuid() AS VARCHAR), 'PURGED', ?,"
            + " 'SUCCESS', LEFT(encode(id, 'hex'), 22), form_id, schema_version, LEFT(conversation_id, 256),"
            + " 'MAX_AGE' FROM d")) {
          ps.setLong(1, NOW.toEpochMilli());
          ps.setLong(2, NOW.toEpochMilli());
          deleted = ps.executeUpdate();
        }
      } else {
        String uuid = store.equals("h2") ? "CAST(RANDOM_UUID() AS VARCHAR)" : "UUID()";
        String hex = store.equals("h2") ? "RAWTOHEX(id)" : "HEX(id)";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + JOURNAL_TABLE + " (" + columns
            + ") SELECT " + uuid + ", 'PURGED', ?, 'SUCCESS', LEFT(" + hex + ", 22), form_id, schema_version,"
            + " LEFT(conversation_id, 256), 'MAX_AGE' FROM " + Databases.STORE_TABLE + " WHERE purge_at <= ?")) {
          ps.setLong(1, NOW.toEpochMilli());
          ps.setLong(2, NOW.toEpochMilli());
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Databases.STORE_TABLE
            + " WHERE purge_at <= ?")) {
          ps.setLong(1, NOW.toEpochMilli());
          deleted = ps.executeUpdate();
        }
      }
      c.commit();
      c.setAutoCommit(true);
      return deleted;
    }
  }

  private static final String JOURNAL_TABLE = Databases.PREFIX + "journal";

  private long count() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + Databases.STORE_TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private int column(String name) {
    for (int i = 0; i < columns.length; i++) {
      if (columns[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("the store's table has no column '" + name + "'");
  }

  private static boolean isBinary(int type) {
    return type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB;
  }
}
