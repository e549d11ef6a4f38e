package dev.lhn.secureforms.jdbc;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EpochKeyStore} in one table, {@code <prefix>epoch_keys}, of a PostgreSQL, MariaDB, MySQL or H2
 * database, exact when many application instances share it: the database decides which insert of an id wins
 * and which call destroys a key.
 *
 * <p><b>Put it on a {@link DataSource} of its own</b>, outside the submissions' backup domain (another
 * database, or a schema excluded from long-lived backups and point-in-time recovery): a copy of this table
 * taken before a key was destroyed brings the key back, and with it every submission of its epoch
 * ({@code docs/KEYS.md}).
 *
 * <pre>{@code
 * JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(keysDataSource)
 *     .tablePrefix("lsf_")     // optional, the default: the table is lsf_epoch_keys
 *     .createSchema()          // optional: create the table if it is missing
 *     .build();                // detects the database
 * }</pre>
 *
 * <ul>
 *   <li><b>Inserts</b> are a plain {@code INSERT}; on a duplicate key the existing row is read in a statement
 *       of its own (a failed statement aborts a PostgreSQL transaction), so the first insert of an id wins on
 *       every instance and the others get the winner.
 *   <li><b>Destruction</b> deletes one batch of due keys per call in one short transaction, locking them with
 *       {@code FOR UPDATE SKIP LOCKED} in {@code destroy_at} order, so concurrent destroyers take disjoint keys
 *       and never wait for each other (as {@link JdbcSubmissionStore#purgeDue} does).
 *   <li><b>Errors</b>: every {@link java.sql.SQLException} becomes a {@link StoreException} that names the
 *       operation and carries the SQL state, never the driver's message nor a wrapped byte. A method that
 *       throws has changed nothing. Connections, transactions and retries work as in
 *       {@link JdbcSubmissionStore}.
 *   <li>Times are bound as epoch milliseconds (UTC). A due row whose id breaks {@link EpochKeyId}'s rules
 *       (edited by hand) is deleted with the others and logged, not returned; a live one makes
 *       {@link #find} and {@link #live} throw a {@link StoreException}.
 * </ul>
 *
 * <p>Immutable and thread-safe. See {@code docs/JDBC.md}, section "Epoch keys", for the table.
 */
public final class JdbcEpochKeyStore implements EpochKeyStore {
  /** The default table prefix. */
  public static final String DEFAULT_TABLE_PREFIX = "lsf_";
  /** The schema version of the epoch key table this release reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcEpochKeyStore.class);
  private static final int MAX_BATCH = 10_000;
  private static final int MAX_TENANT_LENGTH = 64;
  /** Ids per statement when locking or deleting by id: four parameters each. */
  private static final int ID_CHUNK = 200;
  private static final int INSERT_ATTEMPTS = 8;

  private final JdbcExecutor exec;
  private final Dialect dialect;
  private final EpochSql sql;

  private JdbcEpochKeyStore(DataSource dataSource, Dialect dialect, String tablePrefix, boolean skipLocked) {
    this.exec = new JdbcExecutor(dataSource, dialect, LOG);
    this.dialect = dialect;
    this.sql = new EpochSql(dialect, tablePrefix, skipLocked);
  }

  /**
   * A builder for a store on {@code dataSource}.
   *
   * @param dataSource a pooling data source, normally not the submissions'
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The DDL of the epoch key table for {@code dialect} with {@code tablePrefix} filled in: what
   * {@link Builder#createSchema()} runs, for those who create tables with their own tools.
   *
   * @param dialect the database
   * @param tablePrefix {@code [a-z_][a-z0-9_]{0,30}}
   * @return the DDL script
   * @throws IllegalArgumentException if the prefix does not match {@code [a-z_][a-z0-9_]{0,30}}
   */
  public static String ddl(Dialect dialect, String tablePrefix) {
    requireNonNull(dialect, "dialect");
    return JdbcSchema.ddl(dialect.epochKeysResource(), tablePrefix);
  }

  /**
   * The database this store speaks to.
   *
   * @return the dialect
   */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * The table this store keeps epoch keys in: the prefix followed by {@code epoch_keys}.
   *
   * @return the table's name
   */
  public String tableName() {
    return sql.table;
  }

  // ------------------------------------------------------------------------------------------- the SPI

  @Override
  public StoredEpochKey insertIfAbsent(StoredEpochKey key) {
    requireNonNull(key, "key");
    EpochKeyId id = key.id();
    String op = "insert of epoch key " + id;
    for (int attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      try {
        return exec.singleStatement(op, c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
            int i = bindId(ps, 1, id);
            ps.setLong(i++, key.destroyAt().toEpochMilli());
            ps.setLong(i++, key.version());
            ps.setBytes(i, key.wrapped());
            ps.executeUpdate();
            return key;
          } catch (SQLException e) {
            if (exec.isDuplicateKey(e)) {
              throw DuplicateKey.INSTANCE;
            }
            throw e;
          }
        });
      } catch (DuplicateKey e) {
        // taken: read the earlier key in a statement of its own
      }
      StoredEpochKey earlier = exec.singleStatement(op, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.find)) {
          bindId(ps, 1, id);
          return readOne(op, ps);
        }
      });
      if (earlier != null) {
        return earlier;
      }
      // destroyed in between: insert again
    }
    throw new StoreException(op + " failed: it raced with the destruction of the same id " + INSERT_ATTEMPTS
        + " times");
  }

  @Override
  public Optional<StoredEpochKey> find(EpochKeyId id, Instant now) {
    requireNonNull(id, "id");
    long nowMs = millis(requireNonNull(now, "now"));
    String op = "find of epoch key " + id;
    return Optional.ofNullable(exec.singleStatement(op, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findLive)) {
        ps.setLong(bindId(ps, 1, id), nowMs);
        return readOne(op, ps);
      }
    }));
  }

  @Override
  public List<EpochKeyId> destroyDue(Instant now, int batchSize) {
    long nowMs = millis(requireNonNull(now, "now"));
    checkBatch("batchSize", batchSize);
    String op = "destruction of due epoch keys";
    if (sql.destroyReturning != null) {
      // One statement locks (skipping rows other destroyers hold), deletes and returns; in a transaction, so
      // that nothing is committed before every returned row has been read.
      return exec.transaction(op, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.destroyReturning)) {
          ps.setLong(1, nowMs);
          ps.setInt(2, batchSize);
          return readIds(ps).ids();
        }
      });
    }
    return exec.transaction(op, c -> {
      Ids due;
      if (dialect == Dialect.H2) {
        due = lockDueInPages(c, nowMs, batchSize);
      } else {
        try (PreparedStatement ps = c.prepareStatement(sql.lockDue)) {
          ps.setLong(1, nowMs);
          ps.setInt(2, batchSize);
          due = readIds(ps);
        }
      }
      int deleted = 0;
      for (int from = 0; from < due.raw.size(); from += ID_CHUNK) {
        List<Object[]> chunk = due.raw.subList(from, Math.min(due.raw.size(), from + ID_CHUNK));
        try (PreparedStatement ps = c.prepareStatement(sql.deleteIds(chunk.size()))) {
          int i = 1;
          for (Object[] id : chunk) {
            i = bindRawId(ps, i, id);
          }
          deleted += ps.executeUpdate();
        }
      }
      if (deleted != due.raw.size()) {
        throw new StoreException(op + " failed: locked " + due.raw.size() + " rows but deleted " + deleted);
      }
      return due.ids();
    });
  }

  /**
   * H2's locking: pages through the due keys in (destroy_at, id) order without locks and locks each page by
   * id, skipping rows that other destroyers hold, until a full batch is locked or no due key is left (H2
   * locks every matching row before it applies a LIMIT; see {@link JdbcSubmissionStore}'s purge).
   */
  private Ids lockDueInPages(Connection c, long nowMs, int batchSize) throws SQLException {
    Ids locked = new Ids();
    Object[] last = null;
    long lastDestroyAt = 0;
    while (locked.raw.size() < batchSize) {
      int window = batchSize - locked.raw.size();
      List<Object[]> page = new ArrayList<>(window);
      try (PreparedStatement ps = c.prepareStatement(last == null ? sql.dueCandidates : sql.dueCandidatesAfter)) {
        int i = 1;
        ps.setLong(i++, nowMs);
        if (last != null) {
          ps.setLong(i++, lastDestroyAt);
          i = bindRawId(ps, i, last);
        }
        ps.setInt(i, window);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            last = rawId(rs);
            lastDestroyAt = rs.getLong(5);
            page.add(last);
          }
        }
      }
      for (int from = 0; from < page.size(); from += ID_CHUNK) {
        List<Object[]> chunk = page.subList(from, Math.min(page.size(), from + ID_CHUNK));
        try (PreparedStatement ps = c.prepareStatement(sql.lockDueIds(chunk.size()))) {
          ps.setLong(1, nowMs);
          int i = 2;
          for (Object[] id : chunk) {
            i = bindRawId(ps, i, id);
          }
          locked.addAll(readIds(ps));
        }
      }
      if (page.size() < window) {
        break;
      }
    }
    return locked;
  }

  @Override
  public List<StoredEpochKey> live(Instant now, EpochKeyId after, int limit) {
    long nowMs = millis(requireNonNull(now, "now"));
    checkBatch("limit", limit);
    String op = "listing of live epoch keys";
    return exec.singleStatement(op, c -> {
      try (PreparedStatement ps = c.prepareStatement(after == null ? sql.live : sql.liveAfter)) {
        ps.setLong(1, nowMs);
        int i = after == null ? 2 : bindId(ps, 2, after);
        ps.setInt(i, limit);
        List<StoredEpochKey> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(read(op, rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public boolean rewrap(EpochKeyId id, long expectedVersion, byte[] newWrapped, Instant now) {
    requireNonNull(id, "id");
    requireNonNull(newWrapped, "newWrapped");
    long nowMs = millis(requireNonNull(now, "now"));
    if (expectedVersion < 0 || expectedVersion == Long.MAX_VALUE) {
      throw new IllegalArgumentException("expectedVersion must be 0 to Long.MAX_VALUE - 1, got " + expectedVersion);
    }
    if (newWrapped.length == 0 || newWrapped.length > StoredEpochKey.MAX_WRAPPED_BYTES) {
      throw new IllegalArgumentException("newWrapped must have 1 to " + StoredEpochKey.MAX_WRAPPED_BYTES
          + " bytes, got " + newWrapped.length);
    }
    byte[] bytes = newWrapped.clone();
    return exec.singleStatement("re-wrap of epoch key " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.rewrap)) {
        ps.setBytes(1, bytes);
        ps.setLong(2, expectedVersion + 1);
        int i = bindId(ps, 3, id);
        ps.setLong(i++, expectedVersion);
        ps.setLong(i, nowMs);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public String toString() {
    return "JdbcEpochKeyStore[" + dialect + ", table=" + sql.table + "]";
  }

  // ------------------------------------------------------------------------------------ binding, reading

  /** Binds the four id columns from {@code first} on and returns the next parameter index. */
  private static int bindId(PreparedStatement ps, int first, EpochKeyId id) throws SQLException {
    return bindRawId(ps, first, new Object[] {id.tenant(), id.keyClass(), id.windowStartMillis(),
        id.windowLengthMillis()});
  }

  private static int bindRawId(PreparedStatement ps, int first, Object[] id) throws SQLException {
    ps.setString(first, (String) id[0]);
    ps.setString(first + 1, (String) id[1]);
    ps.setLong(first + 2, (Long) id[2]);
    ps.setLong(first + 3, (Long) id[3]);
    return first + 4;
  }

  /** The id columns of a row as they are, valid or not. */
  private static Object[] rawId(ResultSet rs) throws SQLException {
    return new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)};
  }

  private static StoredEpochKey readOne(String op, PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? read(op, rs) : null;
    }
  }

  /** A row in {@link EpochSql#COLUMNS} order; one that breaks the rules is a {@link StoreException}. */
  private static StoredEpochKey read(String op, ResultSet rs) throws SQLException {
    Object[] raw = rawId(rs);
    try {
      EpochKeyId id = new EpochKeyId((String) raw[0], (String) raw[1], (Long) raw[2], (Long) raw[3]);
      byte[] wrapped = rs.getBytes(7);
      return new StoredEpochKey(id, Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6),
          wrapped == null ? new byte[0] : wrapped);
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new StoreException(op + " failed: the stored epoch key " + describe(raw) + " is damaged ("
          + JdbcSchema.problem(e) + ")");
    }
  }

  /** The ids a locking query returns; rows whose id breaks the rules are kept raw, to be deleted too. */
  private static Ids readIds(PreparedStatement ps) throws SQLException {
    Ids out = new Ids();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.raw.add(rawId(rs));
      }
    }
    return out;
  }

  /** Rows locked or deleted by id: valid ids are returned; damaged ones are deleted and logged. */
  private static final class Ids {
    final List<Object[]> raw = new ArrayList<>();

    void addAll(Ids more) {
      raw.addAll(more.raw);
    }

    List<EpochKeyId> ids() {
      List<EpochKeyId> out = new ArrayList<>(raw.size());
      for (Object[] r : raw) {
        try {
          out.add(new EpochKeyId((String) r[0], (String) r[1], (Long) r[2], (Long) r[3]));
        } catch (IllegalArgumentException | NullPointerException e) {
          LOG.warn("destroyed a due epoch key row with an invalid id {} ({})", describe(r), JdbcSchema.problem(e));
        }
      }
      return out;
    }
  }

  /** A row's id for messages (ids are not secret; long or odd values are cut). */
  private static String describe(Object[] raw) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < 4; i++) {
      String v = String.valueOf(raw[i]);
      b.append(i == 0 ? "" : ", ").append(v.length() > MAX_TENANT_LENGTH ? v.substring(0, MAX_TENANT_LENGTH) + "..." : v);
    }
    return b.append(')').toString();
  }

  private static long millis(Instant now) {
    try {
      return now.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("now must fit epoch milliseconds, got " + now);
    }
  }

  private static void checkBatch(String name, int n) {
    if (n < 1 || n > MAX_BATCH) {
      throw new IllegalArgumentException(name + " must be 1 to " + MAX_BATCH + ", got " + n);
    }
  }

  /** Thrown inside {@link #insertIfAbsent}'s statement when the id is taken; never escapes the store. */
  private static final class DuplicateKey extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final DuplicateKey INSTANCE = new DuplicateKey();

    private DuplicateKey() {
      super(null, null, false, false);
    }
  }

  // -------------------------------------------------------------------------------------------- builder

  /**
   * Builds a {@link JdbcEpochKeyStore}. Every option can be set once; {@link #build()} connects, detects the
   * database and checks the table, and never changes the builder.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private final JdbcSchema.Options options = new JdbcSchema.Options();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of the table name ({@code <prefix>epoch_keys}) and its index and constraints:
     * {@code [a-z_][a-z0-9_]{0,30}}, default {@value JdbcEpochKeyStore#DEFAULT_TABLE_PREFIX}.
     *
     * @param tablePrefix the prefix
     * @return this builder
     * @throws IllegalArgumentException if the prefix breaks the rule
     * @throws IllegalStateException if it was set before
     */
    public Builder tablePrefix(String tablePrefix) {
      options.tablePrefix(tablePrefix);
      return this;
    }

    /**
     * Creates the table and its index with the bundled DDL ({@link JdbcEpochKeyStore#ddl}) if the table is
     * missing. Never alters an existing table.
     *
     * @return this builder
     * @throws IllegalStateException if it was called before
     */
    public Builder createSchema() {
      options.createSchema();
      return this;
    }

    /**
     * Skips detection and speaks {@code dialect}: for databases that report another product name.
     *
     * @param dialect the database's dialect
     * @return this builder
     * @throws IllegalStateException if it was set before
     */
    public Builder dialect(Dialect dialect) {
      options.dialect(dialect);
      return this;
    }

    /**
     * Connects once: detects the database, creates the table if asked, and checks that it has every column
     * this release reads.
     *
     * @return the store
     * @throws IllegalStateException if the database is not PostgreSQL, MariaDB, MySQL or H2 (naming the
     *     product), or the table is missing or incomplete (naming the table and the DDL file)
     * @throws StoreException if the database fails
     */
    public JdbcEpochKeyStore build() {
      String prefix = options.prefix(DEFAULT_TABLE_PREFIX);
      JdbcSchema.Setup setup = options.setUp(dataSource, "JdbcEpochKeyStore",
          "epoch key store (table " + prefix + "epoch_keys)", (d, skipLocked) -> {
            EpochSql sql = new EpochSql(d, prefix, skipLocked);
            return new JdbcSchema.Tables(d.epochKeysResource(), ddl(d, prefix),
                "JdbcEpochKeyStore.ddl(Dialect." + d + ", \"" + prefix + "\")", Map.of(sql.table, sql.probeColumns),
                SCHEMA_VERSION);
          }, LOG);
      return new JdbcEpochKeyStore(dataSource, setup.dialect(), prefix, setup.skipLocked());
    }
  }
}
