package dev.lhn.secureforms.jdbc;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.DuplicateSubmissionException;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.DamagedSubmission;
import dev.lhn.secureforms.spi.MetadataCodec;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SubmissionStore} in one table of a PostgreSQL, MariaDB, MySQL or H2 database, exact when many
 * application instances share it: the database arbitrates every claim, replace and purge.
 *
 * <pre>{@code
 * JdbcSubmissionStore store = JdbcSubmissionStore.builder(dataSource)
 *     .tablePrefix("lsf_")     // optional, the default
 *     .createSchema()          // optional: create the table if it is missing
 *     .build();                // detects the database
 * }</pre>
 *
 * <ul>
 *   <li><b>Claims</b> run in one short transaction that locks the row by its primary key (PostgreSQL,
 *       MariaDB and H2 delete a last view and return it in one statement; otherwise
 *       {@code SELECT ... FOR UPDATE}, then delete or count down), run the action while the row is locked,
 *       and commit only if the action returned. If it throws, the transaction is rolled back and the
 *       action's exception is rethrown unchanged. Concurrent claims of one row queue on its lock, in every
 *       JVM that shares the database.
 *   <li><b>Purges</b> delete one batch of due rows per call in one short transaction, locking them with
 *       {@code FOR UPDATE SKIP LOCKED} in {@code purge_at} order, so concurrent purgers take disjoint rows
 *       and never wait for each other.
 *   <li><b>Errors</b>: every {@link SQLException} becomes a {@link StoreException} that names the operation
 *       and carries the SQL state, never the driver's message (it can echo bind values) and never the
 *       exception itself as a cause. A method that throws has changed nothing.
 *   <li>Times are bound as epoch milliseconds (UTC); the JVM's and the session's time zones never matter.
 * </ul>
 *
 * <p>Immutable and thread-safe. Every method borrows a connection from the {@link DataSource} and returns it
 * before returning, with its auto-commit mode as it was; use a pooling {@code DataSource}. See
 * {@code docs/JDBC.md} for the table layout and the recommended driver settings.
 */
public final class JdbcSubmissionStore implements SubmissionStore {
  /** The default table prefix. */
  public static final String DEFAULT_TABLE_PREFIX = "lsf_";
  /** The schema version this release reads and writes (see {@code migration/README.md} in the jar). */
  public static final int SCHEMA_VERSION = 1;

  private static final Logger LOG = LoggerFactory.getLogger(JdbcSubmissionStore.class);
  private static final int MAX_BATCH = 10_000;
  private static final int MAX_FORM_ID_LENGTH = 64;
  private static final int DELETE_CHUNK = 500;
  /**
   * How often one claim reads the row again after its compare-and-set lost. Each loss means another change
   * of the row committed (a view, an end, a field purge), so a claim of a submission with few views left
   * ends within a few attempts; the bound only turns a pathological writer into an error.
   */
  private static final int MAX_CLAIM_ATTEMPTS = 100;

  private final JdbcExecutor exec;
  private final Dialect dialect;
  private final boolean databaseClock;
  private final Sql sql;
  private final JdbcJournal journal;

  private JdbcSubmissionStore(DataSource dataSource, Dialect dialect, String tablePrefix, boolean databaseClock,
      boolean skipLocked) {
    this.exec = new JdbcExecutor(dataSource, dialect, LOG);
    this.dialect = dialect;
    this.databaseClock = databaseClock;
    this.sql = new Sql(dialect, tablePrefix, databaseClock, skipLocked);
    this.journal = new JdbcJournal(exec, dialect, tablePrefix, skipLocked);
  }

  /**
   * The journal tables ({@code <prefix>journal}, {@code <prefix>journal_chain}), written in the same
   * transactions as the submissions.
   *
   * @return the journal
   */
  @Override
  public JdbcJournal journal() {
    return journal;
  }

  /**
   * The outbox table ({@code <prefix>outbox}), written in the same transactions as the submissions.
   *
   * @return the outbox
   */
  @Override
  public Outbox outbox() {
    return journal;
  }

  /**
   * A builder for a store on {@code dataSource}.
   *
   * @param dataSource the application's pool; the store borrows a connection per operation and never
   *     closes the pool
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "dataSource"));
  }

  /**
   * The DDL of schema version {@value #SCHEMA_VERSION} for {@code dialect} with {@code tablePrefix} filled
   * in: what {@link Builder#createSchema()} runs, for those who create tables with their own tools.
   *
   * @param dialect the database
   * @param tablePrefix the prefix of the table and index names
   * @return the DDL statements, ready to run
   * @throws IllegalArgumentException if the prefix does not match {@code [a-z_][a-z0-9_]{0,30}}
   */
  public static String ddl(Dialect dialect, String tablePrefix) {
    requireNonNull(dialect, "dialect");
    return JdbcSchema.ddl(dialect.schemaResource(), tablePrefix);
  }

  /** {@return the database this store speaks to} */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * The table this store keeps submissions in: the prefix followed by {@code submissions}.
   *
   * @return the table name
   */
  public String tableName() {
    return sql.table;
  }

  // ------------------------------------------------------------------------------------------- the SPI

  @Override
  public void insert(StoredSubmission submission, Evidence evidence) {
    requireNonNull(submission, "submission");
    requireNonNull(evidence, "evidence");
    SubmissionMetadata m = submission.metadata();
    checkFormId(m);
    String op = "insert of submission " + m.id();
    try {
      // PostgreSQL: the row and its evidence in one statement (one round trip, no explicit transaction).
      boolean oneStatement = dialect == Dialect.POSTGRESQL && !evidence.isEmpty();
      JdbcExecutor.Work<Object> work = c -> {
        try (PreparedStatement ps = c.prepareStatement(oneStatement ? journal.withEvidence(sql.insert, evidence)
            : sql.insert)) {
          bindRow(ps, submission);
          if (oneStatement) {
            journal.bindEvidence(ps, 18, evidence);
            JdbcJournal.changed(ps);
          } else {
            ps.executeUpdate();
          }
        } catch (SQLException e) {
          if (exec.isDuplicateKey(e)) {
            throw new DuplicateKey();
          }
          throw e;
        }
        if (!oneStatement) {
          journal.write(c, evidence);
        }
        return null;
      };
      if (evidence.isEmpty() || oneStatement) {
        exec.singleStatement(op, work);
      } else {
        exec.transaction(op, work);
      }
    } catch (DuplicateKey e) {
      throw new DuplicateSubmissionException(m.id());
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>On PostgreSQL one statement checks the end and inserts the row with its evidence ({@code INSERT ...
   * SELECT ... WHERE NOT EXISTS (SELECT 1 FROM ended_conversations ...)} inside the evidence's CTE); the end
   * is read only when nothing was inserted. Elsewhere the default: the lookup, then the insert (InnoDB's
   * {@code INSERT ... SELECT} would take a gap lock on the ended-conversations index that a concurrent end
   * then waits for).
   */
  @Override
  public Optional<Instant> insertUnlessEnded(StoredSubmission submission, Evidence evidence, Instant now) {
    requireNonNull(submission, "submission");
    requireNonNull(evidence, "evidence");
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    if (dialect != Dialect.POSTGRESQL) {
      return SubmissionStore.super.insertUnlessEnded(submission, evidence, now);
    }
    SubmissionMetadata m = submission.metadata();
    checkFormId(m);
    String op = "insert of submission " + m.id();
    for (int attempt = 1; attempt <= 8; attempt++) {
      boolean inserted;
      try {
        inserted = exec.singleStatement(op, c -> {
          try (PreparedStatement ps = c.prepareStatement(journal.withEvidence(sql.insertUnlessEnded, evidence))) {
            bindRow(ps, submission);
            ps.setString(18, m.conversationId());
            ps.setLong(19, nowMs);
            journal.bindEvidence(ps, 20, evidence);
            return JdbcJournal.changed(ps) == 1;
          } catch (SQLException e) {
            if (exec.isDuplicateKey(e)) {
              throw new DuplicateKey();
            }
            throw e;
          }
        });
      } catch (DuplicateKey e) {
        throw new DuplicateSubmissionException(m.id());
      }
      if (inserted) {
        return Optional.empty();
      }
      Optional<Instant> ended = conversationEndedAt(m.conversationId(), now);
      if (ended.isPresent()) {
        return ended;
      }
      // the end was forgotten between the two statements: try the insert again
    }
    throw new StoreException(op + " failed: the conversation's end kept appearing and vanishing");
  }

  @Override
  public Optional<StoredSubmission> find(SubmissionId id, Instant now) {
    requireNonNull(id, "id");
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    String op = "find of submission " + id;
    return Optional.ofNullable(exec.singleStatement(op, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.find)) {
        ps.setBytes(1, id.toBytes());
        ps.setLong(2, nowMs);
        return readOne(op, ps);
      }
    }));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Optimistic, so that no row lock is held while the action decrypts (or a KMS is called): the row is
   * read without a lock, the action runs on it, and the view is then taken by one compare-and-set on the
   * row's version (a {@code DELETE ... WHERE id = ? AND version = ?} for the last view, a versioned
   * {@code UPDATE} otherwise) together with the view's evidence: on PostgreSQL in one statement (a
   * data-modifying CTE), elsewhere in one short transaction. The action's result is returned only if that
   * committed. If the row changed in between (another view, a conversation end, a purge), the result is
   * discarded (closed, if it is {@link AutoCloseable}) and the claim runs again on the row as it is now.
   */
  @Override
  public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
      Function<StoredSubmission, Evidence> evidence) {
    requireNonNull(id, "id");
    requireNonNull(now, "now");
    requireNonNull(action, "action");
    requireNonNull(evidence, "evidence");
    String op = "claim of submission " + id;
    for (int attempt = 1; ; attempt++) {
      StoredSubmission read = exec.singleStatement(op, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.find)) {
          ps.setBytes(1, id.toBytes());
          ps.setLong(2, now.toEpochMilli());
          return readOne(op, ps); // a damaged row is a typed error, and nothing changes
        }
      });
      if (read == null || read.metadata().isDue(now)) {
        return Optional.empty(); // a due row stays for the purge
      }
      T result = Objects.requireNonNull(action.run(read), "the claim action returned null");
      boolean viewed;
      try {
        // The view's records with the view: no record, no view (a failure changes neither).
        Evidence records = Objects.requireNonNull(evidence.apply(read), "the claim's evidence");
        viewed = takeView(op, read.metadata(), now, records);
      } catch (RuntimeException | Error e) {
        discard(result);
        throw e;
      }
      if (viewed) {
        return Optional.of(result);
      }
      discard(result); // the row changed after it was read: claim it again as it is now
      if (attempt == MAX_CLAIM_ATTEMPTS) {
        throw new StoreException(op + " failed: the row changed " + MAX_CLAIM_ATTEMPTS
            + " times while it was being claimed; nothing was consumed");
      }
    }
  }

  /** The compare-and-set of a view: whether the row was still as read, and the view is committed. */
  private boolean takeView(String op, SubmissionMetadata m, Instant now, Evidence evidence) {
    boolean last = m.viewsLeft() <= 1;
    SubmissionMetadata after = last ? null : m.afterView(now);
    String change = last ? sql.deleteByIdAndVersion : sql.countDown;
    JdbcExecutor.Work<Boolean> work = c -> {
      if (evidence.isEmpty() || dialect != Dialect.POSTGRESQL) {
        int changed;
        try (PreparedStatement ps = c.prepareStatement(change)) {
          bindView(ps, m, after);
          changed = ps.executeUpdate();
        }
        if (changed == 1) {
          journal.write(c, evidence);
        }
        return changed == 1;
      }
      try (PreparedStatement ps = c.prepareStatement(journal.withEvidence(change, evidence))) {
        journal.bindEvidence(ps, bindView(ps, m, after), evidence);
        return JdbcJournal.changed(ps) == 1;
      }
    };
    return evidence.isEmpty() || dialect == Dialect.POSTGRESQL
        ? exec.singleStatement(op, work)
        : exec.transaction(op, work);
  }

  /** Binds a view's compare-and-set; returns the next parameter index. */
  private static int bindView(PreparedStatement ps, SubmissionMetadata m, SubmissionMetadata after)
      throws SQLException {
    if (after == null) {
      ps.setBytes(1, m.id().toBytes());
      ps.setLong(2, m.version());
      return 3;
    }
    ps.setInt(1, after.viewsLeft());
    ps.setLong(2, after.version());
    ps.setLong(3, after.purgeAt().toEpochMilli());
    ps.setBytes(4, m.id().toBytes());
    ps.setLong(5, m.version());
    return 6;
  }

  /** Closes a claim result that will not be returned, if it holds something to close (plaintext). */
  private static void discard(Object result) {
    if (result instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing a discarded claim result failed ({})", e.getClass().getSimpleName());
      }
    }
  }

  @Override
  public List<StoredSubmission> findByConversation(String conversationId, Instant now) {
    requireNonNull(conversationId, "conversationId");
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    return exec.transaction("lookup of a conversation's submissions", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findByConversation)) {
        ps.setString(1, conversationId);
        ps.setLong(2, nowMs);
        return readAllQuarantiningDamaged(c, ps, nowMs);
      }
    });
  }

  @Override
  public boolean replace(StoredSubmission replacement, long expectedVersion, Evidence evidence) {
    requireNonNull(replacement, "replacement");
    requireNonNull(evidence, "evidence");
    SubmissionMetadata m = replacement.metadata();
    if (m.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("replacement version must be expectedVersion + 1 ("
          + (expectedVersion + 1) + "), got " + m.version());
    }
    checkFormId(m);
    JdbcExecutor.Work<Boolean> work = c -> {
      boolean replaced;
      try (PreparedStatement ps = c.prepareStatement(sql.replace)) {
        bindContent(ps, 1, replacement);
        setNullableInstant(ps, 16, m.fieldPurgeAt());
        ps.setBytes(17, m.id().toBytes());
        ps.setLong(18, expectedVersion);
        replaced = ps.executeUpdate() == 1;
      }
      if (replaced) {
        journal.write(c, evidence);
      }
      return replaced;
    };
    String op = "replace of submission " + m.id();
    return evidence.isEmpty() ? exec.singleStatement(op, work) : exec.transaction(op, work);
  }

  @Override
  public Optional<SubmissionMetadata> delete(SubmissionId id, Function<SubmissionMetadata, Evidence> evidence) {
    requireNonNull(id, "id");
    requireNonNull(evidence, "evidence");
    String op = "delete of submission " + id;
    if (sql.deleteReturning != null) {
      // In a transaction, so that a row that cannot be decoded is rolled back, not deleted unreported.
      return Optional.ofNullable(exec.transaction(op, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.deleteReturning)) {
          ps.setBytes(1, id.toBytes());
          SubmissionMetadata gone = readOneMetadata(op, ps);
          if (gone != null) {
            journal.write(c, Objects.requireNonNull(evidence.apply(gone), "the delete's evidence"));
          }
          return gone;
        }
      }));
    }
    return exec.transaction(op, c -> {
      SubmissionMetadata m;
      try (PreparedStatement ps = c.prepareStatement(sql.lockForDelete)) {
        ps.setBytes(1, id.toBytes());
        m = readOneMetadata(op, ps);
      }
      if (m == null) {
        return Optional.<SubmissionMetadata>empty();
      }
      try (PreparedStatement ps = c.prepareStatement(sql.deleteById)) {
        ps.setBytes(1, id.toBytes());
        ps.executeUpdate();
      }
      journal.write(c, Objects.requireNonNull(evidence.apply(m), "the delete's evidence"));
      return Optional.of(m);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>With {@link Builder#useDatabaseClock()}, "due" is decided by the database's clock and {@code now} is
   * only checked for {@code null}.
   */
  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize, Function<PurgeBatch, Evidence> evidence) {
    return purge(now, batchSize, null, evidence);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The batch's index walk starts at {@code dueFrom} ({@code purge_at >= ?}).
   */
  @Override
  public PurgeBatch purgeDue(Instant now, int batchSize, Instant dueFrom, Function<PurgeBatch, Evidence> evidence) {
    return purge(now, batchSize, requireNonNull(dueFrom, "dueFrom").toEpochMilli(), evidence);
  }

  private PurgeBatch purge(Instant now, int batchSize, Long fromMs, Function<PurgeBatch, Evidence> evidence) {
    requireNonNull(evidence, "evidence");
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    checkBatch("batchSize", batchSize);
    String op = "purge of due submissions";
    if (sql.purgeReturning != null) {
      // One statement locks (skipping rows other purgers hold), deletes and returns; in a transaction, so
      // that nothing is committed before every returned row has been read.
      return exec.transaction(op, c -> {
        try (PreparedStatement ps = c.prepareStatement(fromMs == null ? sql.purgeReturning : sql.purgeReturningFrom)) {
          bindDue(ps, nowMs, fromMs, batchSize);
          return withEvidence(c, readBatch(ps).toBatch(), evidence);
        }
      });
    }
    return exec.transaction(op, c -> {
      Rows due;
      if (dialect == Dialect.H2) {
        due = lockDueInPages(c, nowMs, fromMs, batchSize);
      } else {
        try (PreparedStatement ps = c.prepareStatement(fromMs == null ? sql.lockDueForPurge : sql.lockDueForPurgeFrom)) {
          bindDue(ps, nowMs, fromMs, batchSize);
          due = readBatch(ps);
        }
      }
      List<SubmissionId> ids = due.ids();
      int deleted = 0;
      for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
        List<SubmissionId> chunk = ids.subList(from, Math.min(ids.size(), from + DELETE_CHUNK));
        try (PreparedStatement ps = c.prepareStatement(sql.deleteIds(chunk.size()))) {
          for (int i = 0; i < chunk.size(); i++) {
            ps.setBytes(i + 1, chunk.get(i).toBytes());
          }
          deleted += ps.executeUpdate();
        }
      }
      if (deleted != ids.size()) {
        throw new StoreException("purge of due submissions failed: locked " + ids.size() + " rows but deleted "
            + deleted);
      }
      return withEvidence(c, due.toBatch(), evidence);
    });
  }

  /** Binds now (unless the database's clock stands in), the cursor if there is one, and the limit. */
  private void bindDue(PreparedStatement ps, long nowMs, Long fromMs, int limit) throws SQLException {
    int i = sql.bindNow(ps, nowMs);
    if (fromMs != null) {
      ps.setLong(i++, fromMs);
    }
    ps.setInt(i, limit);
  }

  /** Writes a purge batch's evidence on its transaction's connection. */
  private PurgeBatch withEvidence(Connection c, PurgeBatch batch, Function<PurgeBatch, Evidence> evidence)
      throws SQLException {
    if (batch.size() > 0) {
      journal.write(c, Objects.requireNonNull(evidence.apply(batch), "the purge's evidence"));
    }
    return batch;
  }

  /**
   * H2's purge locking: pages through the due rows in (purge_at, id) order without locks and locks each
   * page by id, skipping rows that other purgers hold, until a full batch is locked or no due row is left.
   * So a batch comes back short only when every other due row is held by someone else, as with SKIP LOCKED
   * and LIMIT elsewhere.
   */
  private Rows lockDueInPages(Connection c, long nowMs, Long fromMs, int batchSize) throws SQLException {
    Rows locked = new Rows();
    long lastPurgeAt = 0;
    byte[] lastId = null;
    while (locked.size() < batchSize) {
      int window = batchSize - locked.size();
      List<byte[]> ids = new ArrayList<>(window);
      String candidates = lastId != null ? sql.dueCandidatesAfter
          : fromMs != null ? sql.dueCandidatesFrom : sql.dueCandidates;
      try (PreparedStatement ps = c.prepareStatement(candidates)) {
        int i = sql.bindNow(ps, nowMs);
        if (lastId == null && fromMs != null) {
          ps.setLong(i++, fromMs);
        }
        if (lastId != null) {
          ps.setLong(i++, lastPurgeAt);
          ps.setLong(i++, lastPurgeAt);
          ps.setBytes(i++, lastId);
        }
        ps.setInt(i, window);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lastId = rs.getBytes(1);
            lastPurgeAt = rs.getLong(2);
            ids.add(lastId);
          }
        }
      }
      for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
        List<byte[]> chunk = ids.subList(from, Math.min(ids.size(), from + DELETE_CHUNK));
        try (PreparedStatement ps = c.prepareStatement(sql.lockDueIds(chunk.size()))) {
          int i = sql.bindNow(ps, nowMs);
          for (byte[] id : chunk) {
            ps.setBytes(i++, id);
          }
          locked.addAll(readBatch(ps));
        }
      }
      if (ids.size() < window) {
        break;
      }
    }
    return locked;
  }

  @Override
  public List<StoredSubmission> findFieldPurgeDue(Instant now, int limit) {
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    checkBatch("limit", limit);
    return exec.transaction("lookup of submissions with fields due", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findFieldPurgeDue)) {
        ps.setLong(1, nowMs);
        ps.setLong(2, nowMs);
        ps.setInt(3, limit);
        return readAllQuarantiningDamaged(c, ps, nowMs);
      }
    });
  }

  @Override
  public Instant endConversation(String conversationId, Instant endedAt, Instant rememberUntil) {
    SubmissionMetadata.checkConversationId(conversationId);
    long ended = requireNonNull(endedAt, "endedAt").toEpochMilli();
    long until = requireNonNull(rememberUntil, "rememberUntil").toEpochMilli();
    if (until < ended) {
      throw new IllegalArgumentException("rememberUntil must not be before endedAt");
    }
    String op = "record of a conversation's end";
    for (int attempt = 0; attempt < 8; attempt++) {
      try {
        exec.singleStatement(op, c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.insertEnded)) {
            ps.setString(1, conversationId);
            ps.setLong(2, ended);
            ps.setLong(3, until);
            ps.executeUpdate();
            return null;
          } catch (SQLException e) {
            if (exec.isDuplicateKey(e)) {
              throw new DuplicateKey();
            }
            throw e;
          }
        });
        return Instant.ofEpochMilli(ended);
      } catch (DuplicateKey e) {
        // recorded before: keep the earlier end and the later memory
      }
      Long recorded = exec.singleStatement(op, c -> {
        try (PreparedStatement ps = c.prepareStatement(sql.updateEnded)) {
          ps.setLong(1, ended);
          ps.setLong(2, ended);
          ps.setLong(3, until);
          ps.setLong(4, until);
          ps.setString(5, conversationId);
          if (ps.executeUpdate() == 0) {
            return null; // forgotten in between: insert again
          }
        }
        try (PreparedStatement ps = c.prepareStatement(sql.findEnded)) {
          ps.setString(1, conversationId);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
          }
        }
      });
      if (recorded != null) {
        return Instant.ofEpochMilli(recorded);
      }
    }
    throw new StoreException(op + " failed: it raced with forgetting the same conversation 8 times");
  }

  @Override
  public Optional<Instant> conversationEndedAt(String conversationId, Instant now) {
    requireNonNull(conversationId, "conversationId");
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    return Optional.ofNullable(exec.singleStatement("lookup of a conversation's end", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findEnded)) {
        ps.setString(1, conversationId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() && rs.getLong(2) > nowMs ? Instant.ofEpochMilli(rs.getLong(1)) : null;
        }
      }
    }));
  }

  @Override
  public int forgetEndedConversations(Instant now, int batchSize) {
    long nowMs = requireNonNull(now, "now").toEpochMilli();
    checkBatch("batchSize", batchSize);
    return exec.singleStatement("forgetting of ended conversations", c -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.forgetEndedIds)) {
        ps.setLong(1, nowMs);
        ps.setInt(2, batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      if (ids.isEmpty()) {
        return 0;
      }
      try (PreparedStatement ps = c.prepareStatement(sql.deleteEnded(ids.size()))) {
        ps.setLong(1, nowMs);
        for (int i = 0; i < ids.size(); i++) {
          ps.setString(i + 2, ids.get(i));
        }
        return ps.executeUpdate(); // a racing instance may have forgotten some of them first
      }
    });
  }

  @Override
  public String toString() {
    return "JdbcSubmissionStore[" + dialect + ", table=" + sql.table + (databaseClock ? ", database clock" : "")
        + "]";
  }

  // ------------------------------------------------------------------------------------ binding, reading

  private static void checkFormId(SubmissionMetadata m) {
    if (m.formId().length() > MAX_FORM_ID_LENGTH) {
      throw new IllegalArgumentException("formId must have at most " + MAX_FORM_ID_LENGTH
          + " characters to fit the form_id column, got " + m.formId().length());
    }
  }

  /** Binds a whole row of {@link Sql#insert} (id, the 15 columns, field_purge_at): parameters 1 to 17. */
  private static void bindRow(PreparedStatement ps, StoredSubmission s) throws SQLException {
    ps.setBytes(1, s.metadata().id().toBytes());
    bindContent(ps, 2, s);
    setNullableInstant(ps, 17, s.metadata().fieldPurgeAt());
  }

  /** Binds the 15 columns after {@code id}, in {@link Sql#COLUMNS} order, from {@code first} on. */
  private static void bindContent(PreparedStatement ps, int first, StoredSubmission s) throws SQLException {
    SubmissionMetadata m = s.metadata();
    int i = first;
    ps.setString(i++, m.formId());
    ps.setInt(i++, m.schemaVersion());
    ps.setString(i++, m.conversationId());
    ps.setLong(i++, m.submittedAt().toEpochMilli());
    ps.setLong(i++, m.version());
    ps.setInt(i++, m.maxViews());
    ps.setInt(i++, m.viewsLeft());
    setNullableDuration(ps, i++, m.revealWindow());
    ps.setLong(i++, m.expiresAt().toEpochMilli());
    ps.setLong(i++, m.purgeAt().toEpochMilli());
    setNullableDuration(ps, i++, m.purgeAfterConversationEnd());
    setNullableInstant(ps, i++, m.conversationEndedAt());
    ps.setString(i++, MetadataCodec.encodeFieldRetention(m.fieldRetention()));
    ps.setString(i++, MetadataCodec.encodePreview(m.preview()));
    ps.setBytes(i, s.envelope());
  }

  private static void setNullableInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  private static void setNullableDuration(PreparedStatement ps, int i, Duration d) throws SQLException {
    if (d == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, d.toMillis());
    }
  }

  /** One row, or {@code null}; a row that cannot be decoded is a {@link StoreException} naming it. */
  private static StoredSubmission readOne(String op, PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? read(rs) : null;
    } catch (DamagedRow e) {
      throw e.toStoreException(op);
    }
  }

  private static SubmissionMetadata readOneMetadata(String op, PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? readMetadata(rs) : null;
    } catch (DamagedRow e) {
      throw e.toStoreException(op);
    }
  }

  /**
   * Every row the query returns that can be decoded; the others are made due at {@code nowMs} in the same
   * transaction (quarantine: the next purge deletes and reports them), so that they neither break nor
   * block the caller.
   */
  private List<StoredSubmission> readAllQuarantiningDamaged(Connection c, PreparedStatement ps, long nowMs)
      throws SQLException {
    List<StoredSubmission> out = new ArrayList<>();
    List<DamagedSubmission> damaged = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        try {
          out.add(read(rs));
        } catch (DamagedRow e) {
          damaged.add(e.damage);
        }
      }
    }
    if (!damaged.isEmpty()) {
      try (PreparedStatement q = c.prepareStatement(sql.quarantine(damaged.size()))) {
        q.setLong(1, nowMs);
        for (int i = 0; i < damaged.size(); i++) {
          q.setBytes(i + 2, damaged.get(i).id().toBytes());
        }
        q.executeUpdate();
      }
      for (DamagedSubmission d : damaged) {
        LOG.warn("stored submission {} is damaged ({}); quarantined: the next purge deletes it", d.id(), d.problem());
      }
    }
    return out;
  }

  /** The metadata of every row the query returns, and the rows that cannot be decoded. */
  private static Rows readBatch(PreparedStatement ps) throws SQLException {
    Rows out = new Rows();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        try {
          out.ok.add(readMetadata(rs));
        } catch (DamagedRow e) {
          out.damaged.add(e.damage);
        }
      }
    }
    return out;
  }

  /** A row in {@link Sql#COLUMNS} order. */
  private static StoredSubmission read(ResultSet rs) throws SQLException {
    SubmissionMetadata m = readMetadata(rs);
    byte[] envelope = rs.getBytes(16);
    try {
      return new StoredSubmission(m, envelope == null ? new byte[0] : envelope);
    } catch (IllegalArgumentException e) {
      throw new DamagedRow(new DamagedSubmission(m.id(), JdbcSchema.problem(e)));
    }
  }

  /**
   * The metadata of a row in {@link Sql#META_COLUMNS} order.
   *
   * @throws DamagedRow if a column breaks the rules of {@link SubmissionMetadata} or its codec
   */
  private static SubmissionMetadata readMetadata(ResultSet rs) throws SQLException {
    byte[] idBytes = rs.getBytes(1);
    SubmissionId id;
    try {
      id = SubmissionId.fromBytes(idBytes);
    } catch (RuntimeException e) {
      // The DDL keeps ids at 16 bytes; a row without a readable id cannot even be reported by id.
      throw new StoreException("a stored row has an unreadable id ("
          + (idBytes == null ? "null" : idBytes.length + " bytes") + "): check the table's constraints");
    }
    try {
      return new SubmissionMetadata(id, rs.getString(2), rs.getInt(3), rs.getString(4),
          Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6), rs.getInt(7), rs.getInt(8), duration(rs, 9),
          Instant.ofEpochMilli(rs.getLong(10)), Instant.ofEpochMilli(rs.getLong(11)), duration(rs, 12),
          instant(rs, 13), MetadataCodec.decodeFieldRetention(rs.getString(14)),
          MetadataCodec.decodePreview(rs.getString(15)));
    } catch (IllegalArgumentException | StoreException | DateTimeException | ArithmeticException e) {
      throw new DamagedRow(new DamagedSubmission(id, JdbcSchema.problem(e)));
    } catch (NullPointerException e) {
      throw new DamagedRow(new DamagedSubmission(id, "a required column is null"));
    }
  }

  /** What a read of several rows found: the rows it could decode, and the others. */
  private static final class Rows {
    final List<SubmissionMetadata> ok = new ArrayList<>();
    final List<DamagedSubmission> damaged = new ArrayList<>();

    int size() {
      return ok.size() + damaged.size();
    }

    void addAll(Rows more) {
      ok.addAll(more.ok);
      damaged.addAll(more.damaged);
    }

    List<SubmissionId> ids() {
      List<SubmissionId> ids = new ArrayList<>(size());
      ok.forEach(m -> ids.add(m.id()));
      damaged.forEach(d -> ids.add(d.id()));
      return ids;
    }

    PurgeBatch toBatch() {
      return new PurgeBatch(ok, damaged);
    }
  }

  /** A row that cannot be decoded; turned into a report or a {@link StoreException}, never escapes. */
  private static final class DamagedRow extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient DamagedSubmission damage;

    DamagedRow(DamagedSubmission damage) {
      super(null, null, false, false);
      this.damage = damage;
    }

    StoreException toStoreException(String op) {
      return new StoreException(op + " failed: stored submission " + damage.id() + " is damaged ("
          + damage.problem() + ")");
    }
  }

  private static Duration duration(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Duration.ofMillis(v);
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static void checkBatch(String name, int n) {
    if (n < 1 || n > MAX_BATCH) {
      throw new IllegalArgumentException(name + " must be 1 to " + MAX_BATCH + ", got " + n);
    }
  }

  // ------------------------------------------------------------------------------ connections, errors

  /** Thrown inside {@link #insert}'s statement when the id is taken; never escapes the store. */
  private static final class DuplicateKey extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DuplicateKey() {
      super(null, null, false, false);
    }
  }

  // -------------------------------------------------------------------------------------------- builder

  /**
   * Builds a {@link JdbcSubmissionStore}. Every option can be set once; {@link #build()} connects, detects
   * the database and checks the table, and never changes the builder.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private final JdbcSchema.Options options = new JdbcSchema.Options();
    private boolean useDatabaseClock;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The prefix of the table name ({@code <prefix>submissions}) and its indexes: {@code [a-z_][a-z0-9_]{0,30}},
     * default {@value JdbcSubmissionStore#DEFAULT_TABLE_PREFIX}. Qualify the schema through the connection
     * (PostgreSQL {@code currentSchema}, the database in a MariaDB URL), not here.
     *
     * @param tablePrefix lower-case letters, digits and underscores, matching {@code [a-z_][a-z0-9_]{0,30}}
     * @return this builder
     */
    public Builder tablePrefix(String tablePrefix) {
      options.tablePrefix(tablePrefix);
      return this;
    }

    /**
     * Creates the table and its indexes with the bundled DDL ({@link JdbcSubmissionStore#ddl}) if the table
     * is missing. Never alters an existing table (see {@code migration/README.md} in the jar).
     *
     * @return this builder
     */
    public Builder createSchema() {
      options.createSchema();
      return this;
    }

    /**
     * Makes {@link JdbcSubmissionStore#purgeDue} decide what is due by the database's clock instead of the
     * {@code now} it is passed: for fleets whose application clocks may be skewed. Reads ({@code find},
     * {@code claim}) still use the application's {@code now}.
     *
     * @return this builder
     */
    public Builder useDatabaseClock() {
      if (useDatabaseClock) {
        throw new IllegalStateException("useDatabaseClock() was already called");
      }
      useDatabaseClock = true;
      return this;
    }

    /**
     * Skips detection and speaks {@code dialect}: for databases that report another product name (a
     * PostgreSQL-compatible service, a proxy). Rarely needed.
     *
     * @param dialect the SQL dialect to use
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      options.dialect(dialect);
      return this;
    }

    /**
     * Connects once: detects the database, creates the table if asked, and checks that the table has every
     * column this release reads.
     *
     * @return the store, ready to use
     * @throws IllegalStateException if the database is not PostgreSQL, MariaDB, MySQL or H2 (naming the
     *     product), or the table is missing or incomplete (naming the table and the DDL file)
     * @throws StoreException if the database fails
     */
    public JdbcSubmissionStore build() {
      String prefix = options.prefix(DEFAULT_TABLE_PREFIX);
      JdbcSchema.Setup setup = options.setUp(dataSource, "JdbcSubmissionStore",
          "submission store (table " + prefix + "submissions)", (d, skipLocked) -> {
            Sql sql = new Sql(d, prefix, useDatabaseClock, skipLocked);
            Map<String, String> probes = new LinkedHashMap<>();
            probes.put(sql.table, sql.probeColumns);
            probes.put(sql.endedTable, sql.probeEndedColumns);
            JdbcJournal.probes(probes, prefix);
            return new JdbcSchema.Tables(d.schemaResource(), ddl(d, prefix),
                "JdbcSubmissionStore.ddl(Dialect." + d + ", \"" + prefix + "\")", probes, SCHEMA_VERSION);
          }, LOG);
      return new JdbcSubmissionStore(dataSource, setup.dialect(), prefix, useDatabaseClock, setup.skipLocked());
    }
  }
}
