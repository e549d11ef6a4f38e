package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.SubmissionId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Fills a store's table fast with JDBC batch inserts, in the store's own column layout. */
final class BulkRows {
  private BulkRows() {}

  /**
   * Inserts {@code count} view-once rows whose purge_at runs from {@code firstPurgeAt} in steps of
   * {@code stepMillis}; returns their ids.
   */
  static Set<SubmissionId> insert(TestDatabase db, String table, int count, long firstPurgeAt, long stepMillis)
      throws SQLException {
    String url = db.url();
    if (db == TestDatabase.POSTGRESQL) {
      url += (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    }
    Set<SubmissionId> ids = new HashSet<>();
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + Sql.COLUMNS
            + ", field_purge_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        byte[] id = new byte[16];
        rnd.nextBytes(id);
        ids.add(SubmissionId.fromBytes(id));
        byte[] envelope = new byte[32];
        rnd.nextBytes(envelope);
        long purgeAt = firstPurgeAt + i * stepMillis;
        ps.setBytes(1, id);
        ps.setString(2, "bulk-form");
        ps.setInt(3, 1);
        ps.setString(4, "bulk-" + (i % 1000));
        ps.setLong(5, purgeAt - 86_400_000L);
        ps.setLong(6, 0);
        ps.setInt(7, 1);
        ps.setInt(8, 1);
        ps.setNull(9, java.sql.Types.BIGINT);
        ps.setLong(10, purgeAt);
        ps.setLong(11, purgeAt);
        ps.setNull(12, java.sql.Types.BIGINT);
        ps.setNull(13, java.sql.Types.BIGINT);
        ps.setString(14, "{}");
        ps.setString(15, "{\"pan\":\"Visa ****4242\"}");
        ps.setBytes(16, envelope);
        ps.setNull(17, java.sql.Types.BIGINT);
        ps.addBatch();
        if ((i + 1) % 1000 == 0) {
          ps.executeBatch();
        }
        if ((i + 1) % 20_000 == 0) {
          c.commit();
        }
      }
      ps.executeBatch();
      c.commit();
    }
    if (ids.size() != count) {
      throw new AssertionError("random ids collided");
    }
    return ids;
  }

  /** Rows with purge_at in [from, to]. */
  static long count(TestDatabase db, String table, long fromPurgeAt, long toPurgeAt) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE purge_at BETWEEN " + fromPurgeAt
            + " AND " + toPurgeAt)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Set equality, reported as counts and a few examples rather than thousands of ids. */
  static <T> void assertSameIds(Set<T> expected, Set<T> actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    Set<T> missing = new HashSet<>(expected);
    missing.removeAll(actual);
    Set<T> extra = new HashSet<>(actual);
    extra.removeAll(expected);
    throw new AssertionError(what + ": expected " + expected.size() + " ids, got " + actual.size() + "; missing "
        + missing.size() + " " + missing.stream().limit(3).toList() + ", unexpected " + extra.size() + " "
        + extra.stream().limit(3).toList());
  }

  /** The ids of every row in the table. */
  static Set<SubmissionId> ids(TestDatabase db, String table) throws SQLException {
    Set<SubmissionId> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM " + table)) {
      while (rs.next()) {
        ids.add(SubmissionId.fromBytes(rs.getBytes(1)));
      }
    }
    return ids;
  }
}
