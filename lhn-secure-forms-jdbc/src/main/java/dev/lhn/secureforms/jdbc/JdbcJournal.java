package dev.lhn.secureforms.jdbc;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.journal.Outcome;
import dev.lhn.secureforms.spi.ChainState;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The journal and outbox tables ({@code <prefix>journal}, {@code <prefix>journal_chain},
 * {@code <prefix>outbox}) of a {@link JdbcSubmissionStore}, over its executor. {@link #write} runs on the
 * connection of the change's own transaction, so a record and its change commit together or not at all.
 * Reachable through {@link JdbcSubmissionStore#journal()} and {@link JdbcSubmissionStore#outbox()}.
 */
public final class JdbcJournal implements JournalStore, Outbox {
  private static final int MAX = 10_000;
  private static final String RECORD_COLUMNS = "id, event, at_ms, outcome, operator_id, origin, reason,"
      + " submission_id, form_id, form_version, field, conversation_ref, detail";
  private static final String OUTBOX_COLUMNS = "id, aggregatetype, aggregateid, type, payload, created_at";

  private final JdbcExecutor exec;
  private final Dialect dialect;
  private final String journal;
  private final String chain;
  private final String outbox;
  private final String lockSuffix;

  JdbcJournal(JdbcExecutor exec, Dialect dialect, String prefix, boolean skipLocked) {
    this.exec = exec;
    this.dialect = dialect;
    this.journal = prefix + "journal";
    this.chain = prefix + "journal_chain";
    this.outbox = prefix + "outbox";
    this.lockSuffix = skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
  }

  /** The probes the store's builder checks the tables with. */
  static void probes(java.util.Map<String, String> probes, String prefix) {
    probes.put(prefix + "journal", "SELECT seq, chain_position, mac, " + RECORD_COLUMNS + " FROM " + prefix
        + "journal WHERE 1 = 0");
    probes.put(prefix + "journal_chain", "SELECT id, wrapped_root, chain_count, head, purged_count, purged_head FROM "
        + prefix + "journal_chain WHERE 1 = 0");
    probes.put(prefix + "outbox", "SELECT seq, " + OUTBOX_COLUMNS + " FROM " + prefix + "outbox WHERE 1 = 0");
  }

  /** {@return the journal table's name} */
  public String journalTable() {
    return journal;
  }

  /** {@return the outbox table's name} */
  public String outboxTable() {
    return outbox;
  }

  /**
   * Rows per multi-row {@code INSERT} of evidence: a purge batch's records go in a few statements, each
   * well under every database's bind-parameter limit (13 columns x 500 = 6,500; PostgreSQL and MariaDB
   * allow 65,535).
   */
  private static final int ROWS_PER_INSERT = 500;

  /**
   * Writes evidence on the connection of the change's transaction: one multi-row {@code INSERT} per table
   * (per {@value #ROWS_PER_INSERT} rows), so a purge batch's thousand records cost two statements, not a
   * thousand executions.
   */
  void write(Connection c, Evidence evidence) throws SQLException {
    List<JournalRecord> records = evidence.records();
    for (int from = 0; from < records.size(); from += ROWS_PER_INSERT) {
      List<JournalRecord> chunk = records.subList(from, Math.min(records.size(), from + ROWS_PER_INSERT));
      try (PreparedStatement ps = c.prepareStatement(multiRowInsert(journal, RECORD_COLUMNS, chunk.size(), 13))) {
        int i = 1;
        for (JournalRecord r : chunk) {
          bind(ps, i, r);
          i += 13;
        }
        ps.executeUpdate();
      }
    }
    List<OutboxMessage> messages = evidence.outbox();
    for (int from = 0; from < messages.size(); from += ROWS_PER_INSERT) {
      List<OutboxMessage> chunk = messages.subList(from, Math.min(messages.size(), from + ROWS_PER_INSERT));
      try (PreparedStatement ps = c.prepareStatement(multiRowInsert(outbox, OUTBOX_COLUMNS, chunk.size(), 6))) {
        int i = 1;
        for (OutboxMessage m : chunk) {
          bindMessage(ps, i, m);
          i += 6;
        }
        ps.executeUpdate();
      }
    }
  }

  private static String multiRowInsert(String table, String columns, int rows, int width) {
    StringBuilder b = new StringBuilder(40 + table.length() + columns.length() + rows * (4 * width))
        .append("INSERT INTO ").append(table).append(" (").append(columns).append(") VALUES ");
    values(b, rows, width);
    return b.toString();
  }

  /**
   * PostgreSQL (and the databases that speak its dialect): one statement that makes a change and writes its
   * evidence, for one network round trip and no explicit transaction. {@code change} is a data-modifying
   * statement without {@code RETURNING}; the evidence rows are inserted only if it changed a row, so a
   * compare-and-set that lost writes nothing. Its parameters come first, then the records', then the
   * messages'; bind them with {@link #bindEvidence}.
   *
   * <pre>WITH c AS (change RETURNING 1),
   *      j AS (INSERT INTO journal (...) SELECT * FROM (VALUES (...), ...) v WHERE EXISTS (SELECT 1 FROM c)),
   *      o AS (INSERT INTO outbox (...) SELECT * FROM (VALUES (...), ...) v WHERE EXISTS (SELECT 1 FROM c))
   * SELECT COUNT(*) FROM c</pre>
   */
  String withEvidence(String change, Evidence evidence) {
    StringBuilder b = new StringBuilder(change.length() + 200 + 40 * evidence.records().size())
        .append("WITH c AS (").append(change).append(" RETURNING 1)");
    if (!evidence.records().isEmpty()) {
      b.append(", j AS (INSERT INTO ").append(journal).append(" (").append(RECORD_COLUMNS)
          .append(") SELECT * FROM (VALUES ");
      values(b, evidence.records().size(), 13);
      b.append(") v WHERE EXISTS (SELECT 1 FROM c))");
    }
    if (!evidence.outbox().isEmpty()) {
      b.append(", o AS (INSERT INTO ").append(outbox).append(" (").append(OUTBOX_COLUMNS)
          .append(") SELECT * FROM (VALUES ");
      values(b, evidence.outbox().size(), 6);
      b.append(") v WHERE EXISTS (SELECT 1 FROM c))");
    }
    return b.append(" SELECT COUNT(*) FROM c").toString();
  }

  /** Binds the evidence of {@link #withEvidence} from parameter {@code first} on. */
  void bindEvidence(PreparedStatement ps, int first, Evidence evidence) throws SQLException {
    int i = first;
    for (JournalRecord r : evidence.records()) {
      bind(ps, i, r);
      i += 13;
    }
    for (OutboxMessage m : evidence.outbox()) {
      bindMessage(ps, i, m);
      i += 6;
    }
  }

  /** Runs a statement of {@link #withEvidence}: how many rows its change changed. */
  static int changed(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void values(StringBuilder b, int rows, int columns) {
    for (int r = 0; r < rows; r++) {
      b.append(r == 0 ? "(" : ", (");
      for (int c = 0; c < columns; c++) {
        b.append(c == 0 ? "?" : ", ?");
      }
      b.append(')');
    }
  }

  private void bindMessage(PreparedStatement ps, int first, OutboxMessage m) throws SQLException {
    if (dialect == Dialect.MARIADB || dialect == Dialect.MYSQL) {
      ps.setString(first, m.id().toString());
    } else {
      ps.setObject(first, m.id());
    }
    ps.setString(first + 1, m.aggregateType());
    ps.setString(first + 2, m.aggregateId());
    ps.setString(first + 3, m.type());
    ps.setString(first + 4, m.payload());
    ps.setLong(first + 5, m.createdAt().toEpochMilli());
  }

  private static void bind(PreparedStatement ps, int first, JournalRecord r) throws SQLException {
    int o = first - 1;
    ps.setString(o + 1, r.id().toString());
    ps.setString(o + 2, r.event().name());
    ps.setLong(o + 3, r.at().toEpochMilli());
    ps.setString(o + 4, r.outcome().name());
    text(ps, o + 5, r.operatorId());
    text(ps, o + 6, r.origin());
    text(ps, o + 7, r.reason());
    text(ps, o + 8, r.submissionId() == null ? null : r.submissionId().toString());
    text(ps, o + 9, r.formId());
    ps.setInt(o + 10, r.formVersion());
    text(ps, o + 11, r.field());
    text(ps, o + 12, r.conversationRef());
    text(ps, o + 13, r.detail());
  }

  private static void text(PreparedStatement ps, int i, String s) throws SQLException {
    if (s == null) {
      ps.setNull(i, Types.VARCHAR);
    } else {
      ps.setString(i, s);
    }
  }

  private static StoredRecord read(ResultSet rs) throws SQLException {
    long seq = rs.getLong(1);
    long pos = rs.getLong(2);
    boolean pending = rs.wasNull();
    byte[] mac = rs.getBytes(3);
    String sub = rs.getString(11);
    JournalRecord r;
    try {
      r = new JournalRecord(UUID.fromString(rs.getString(4)), JournalEvent.valueOf(rs.getString(5)),
          Instant.ofEpochMilli(rs.getLong(6)), Outcome.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9),
          rs.getString(10), sub == null ? null : SubmissionId.parse(sub), rs.getString(12), rs.getInt(13),
          rs.getString(14), rs.getString(15), rs.getString(16));
    } catch (IllegalArgumentException e) {
      // An edited row that no longer decodes: the verifier must name it, not stop on it.
      r = JournalRecord.of(JournalEvent.CONFIGURATION, Instant.EPOCH).withOutcome(Outcome.FAILURE)
          .withDetail("undecodable journal row " + seq);
    }
    if (pending || mac == null) {
      return new StoredRecord(seq, 0, r, null);
    }
    return new StoredRecord(seq, pos, r, mac);
  }

  private String select() {
    return "SELECT seq, chain_position, mac, " + RECORD_COLUMNS + " FROM " + journal;
  }

  private static void checkLimit(String name, int n) {
    if (n < 1 || n > MAX) {
      throw new IllegalArgumentException(name + " must be 1 to " + MAX + ", got " + n);
    }
  }

  @Override
  public void append(Evidence evidence) {
    requireNonNull(evidence, "evidence");
    if (evidence.isEmpty()) {
      return;
    }
    exec.transaction("journal append", c -> {
      write(c, evidence);
      return null;
    });
  }

  @Override
  public List<JournalRecord> history(SubmissionId id, int limit) {
    requireNonNull(id, "id");
    checkLimit("limit", limit);
    return exec.singleStatement("journal history of submission " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(select() + " WHERE submission_id = ? ORDER BY seq")) {
        ps.setString(1, id.toString());
        ps.setMaxRows(limit);
        List<JournalRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < limit) {
            out.add(read(rs).record());
          }
        }
        return out;
      }
    });
  }

  @Override
  public Optional<ChainState> chainState() {
    return Optional.ofNullable(exec.singleStatement("journal chain read", c -> readState(c, "")));
  }

  private ChainState readState(Connection c, String suffix) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT wrapped_root, chain_count, head, purged_count, purged_head"
        + " FROM " + chain + " WHERE id = 1" + suffix)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new ChainState(rs.getBytes(1), rs.getLong(2), rs.getBytes(3), rs.getLong(4), rs.getBytes(5));
      }
    }
  }

  @Override
  public ChainState createChain(ChainState initial) {
    requireNonNull(initial, "initial");
    try {
      exec.singleStatement("journal chain creation", c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + chain
            + " (id, wrapped_root, chain_count, head, purged_count, purged_head) VALUES (1, ?, ?, ?, ?, ?)")) {
          ps.setBytes(1, initial.wrappedRootKey());
          ps.setLong(2, initial.count());
          ps.setBytes(3, initial.head());
          ps.setLong(4, initial.purgedCount());
          ps.setBytes(5, initial.purgedHead());
          ps.executeUpdate();
        } catch (SQLException e) {
          if (!exec.isDuplicateKey(e)) {
            throw e;
          }
        }
        return null;
      });
    } catch (StoreException e) {
      // another instance may have created it in between: the stored head wins
    }
    return chainState().orElseThrow(() -> new StoreException("journal chain creation failed"));
  }

  /** Sentinel: another caller holds the chain lock. */
  private static final Object HELD = new Object();

  @Override
  public int seal(int limit, ChainSealer sealer) {
    checkLimit("limit", limit);
    requireNonNull(sealer, "sealer");
    Object r = exec.transaction("journal chaining", c -> {
      ChainState head = readState(c, lockSuffix);
      if (head == null) {
        return chainMissingOrHeld(c);
      }
      List<StoredRecord> batch = pendingOn(c, limit);
      if (batch.isEmpty()) {
        return 0;
      }
      List<byte[]> macs = sealer.macs(head, batch);
      if (macs.size() != batch.size()) {
        throw new StoreException("the sealer returned " + macs.size() + " MACs for " + batch.size() + " records");
      }
      long pos = head.count();
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + journal
          + " SET chain_position = ?, mac = ? WHERE seq = ? AND chain_position IS NULL")) {
        for (int i = 0; i < batch.size(); i++) {
          ps.setLong(1, ++pos);
          ps.setBytes(2, macs.get(i));
          ps.setLong(3, batch.get(i).sequence());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      updateHead(c, head.advanced(pos, macs.get(macs.size() - 1)));
      return batch.size();
    });
    return r == HELD ? -1 : (Integer) r;
  }

  private Object chainMissingOrHeld(Connection c) throws SQLException {
    if (readState(c, "") == null) {
      throw new IllegalStateException("the journal has no chain head yet (" + chain + ")");
    }
    return HELD;
  }

  private void updateHead(Connection c, ChainState s) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + chain
        + " SET chain_count = ?, head = ?, purged_count = ?, purged_head = ? WHERE id = 1")) {
      ps.setLong(1, s.count());
      ps.setBytes(2, s.head());
      ps.setLong(3, s.purgedCount());
      ps.setBytes(4, s.purgedHead());
      if (ps.executeUpdate() != 1) {
        throw new StoreException("journal chain head update failed: the head row is gone");
      }
    }
  }

  private List<StoredRecord> pendingOn(Connection c, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(select() + " WHERE chain_position IS NULL ORDER BY seq")) {
      ps.setMaxRows(limit);
      List<StoredRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < limit) {
          out.add(read(rs));
        }
      }
      return out;
    }
  }

  @Override
  public List<StoredRecord> read(long afterPosition, int limit) {
    checkLimit("limit", limit);
    return exec.singleStatement("journal read", c -> {
      try (PreparedStatement ps = c.prepareStatement(select()
          + " WHERE chain_position > ? ORDER BY chain_position, seq")) {
        ps.setLong(1, afterPosition);
        ps.setMaxRows(limit);
        List<StoredRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && out.size() < limit) {
            out.add(read(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public List<StoredRecord> pending(int limit) {
    checkLimit("limit", limit);
    return exec.singleStatement("journal pending read", c -> pendingOn(c, limit));
  }

  @Override
  public long pendingCount() {
    return exec.singleStatement("journal pending count", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + journal
          + " WHERE chain_position IS NULL"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public int purgeChained(Instant before, int batchSize) {
    requireNonNull(before, "before");
    checkLimit("batchSize", batchSize);
    Object r = exec.transaction("journal retention", c -> {
      ChainState head = readState(c, lockSuffix);
      if (head == null) {
        return readState(c, "") == null ? 0 : HELD;
      }
      List<StoredRecord> oldest = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(select()
          + " WHERE chain_position > ? ORDER BY chain_position")) {
        ps.setLong(1, head.purgedCount());
        ps.setMaxRows(batchSize);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && oldest.size() < batchSize) {
            StoredRecord s = read(rs);
            if (!s.record().at().isBefore(before)) {
              break;
            }
            oldest.add(s);
          }
        }
      }
      if (oldest.isEmpty()) {
        return 0;
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + journal + " WHERE seq = ?")) {
        for (StoredRecord s : oldest) {
          ps.setLong(1, s.sequence());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      StoredRecord last = oldest.get(oldest.size() - 1);
      updateHead(c, head.purged(last.position(), last.mac()));
      return oldest.size();
    });
    return r == HELD ? -1 : (Integer) r;
  }

  @Override
  public int drain(int limit, Consumer<List<OutboxMessage>> sink) {
    checkLimit("limit", limit);
    requireNonNull(sink, "sink");
    return exec.transaction("outbox drain", c -> {
      List<OutboxMessage> batch = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      String q = "SELECT seq, " + OUTBOX_COLUMNS + " FROM " + outbox + " ORDER BY created_at, seq"
          + " LIMIT " + limit + lockSuffix;
      try (PreparedStatement ps = c.prepareStatement(q); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
          batch.add(new OutboxMessage(UUID.fromString(rs.getString(2)), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7))));
        }
      }
      if (batch.isEmpty()) {
        return 0;
      }
      try {
        sink.accept(List.copyOf(batch));
      } catch (StoreException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new StoreException("outbox sink failed (" + e.getClass().getSimpleName() + "); messages kept", null, e);
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + outbox + " WHERE seq = ?")) {
        for (Long s : seqs) {
          ps.setLong(1, s);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return batch.size();
    });
  }

  @Override
  public String toString() {
    return "JdbcJournal[" + journal + ", " + outbox + "]";
  }
}
