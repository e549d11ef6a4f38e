package dev.lhn.secureforms.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The statements of one store: one portable set, with the few overrides where a dialect differs. Only table
 * names are spliced in (validated prefixes); every value is a bind parameter.
 */
final class Sql {
  /** The columns of a submission, in the order {@link JdbcSubmissionStore} reads them. */
  static final String META_COLUMNS = "id, form_id, schema_version, conversation_id, submitted_at, version, "
      + "max_views, views_left, reveal_window_ms, expires_at, purge_at, purge_after_conv_end_ms, "
      + "conversation_ended_at, field_retention, preview";
  static final String COLUMNS = META_COLUMNS + ", envelope";

  final String table;
  final String probeColumns;
  final String insert;
  /** {@link #insert} unless the conversation's end is remembered (parameters 18, 19: conversation, now). */
  final String insertUnlessEnded;
  final String find;
  final String findByConversation;
  final String countDown;
  final String deleteById;
  /** The compare-and-set of a last view. */
  final String deleteByIdAndVersion;
  /** Deletes a row and returns its metadata, in one statement; {@code null} where the database cannot. */
  final String deleteReturning;
  final String lockForDelete;
  final String replace;
  /** Deletes one batch of due rows and returns their metadata, in one statement (PostgreSQL). */
  final String purgeReturning;
  /** {@link #purgeReturning} from a keyset cursor: also {@code purge_at >= ?} after now. */
  final String purgeReturningFrom;
  final String lockDueForPurge;
  final String lockDueForPurgeFrom;
  final String dueCandidates;
  final String dueCandidatesFrom;
  final String dueCandidatesAfter;
  private final String lockDueIdsPrefix;
  private final String lockDueIdsSuffix;
  private final boolean databaseClock;
  final String findFieldPurgeDue;
  /** The table of ended conversations. */
  final String endedTable;
  final String insertEnded;
  final String updateEnded;
  final String findEnded;
  final String forgetEndedIds;
  final String probeEndedColumns;

  Sql(Dialect dialect, String prefix, boolean databaseClock, boolean skipLocked) {
    table = prefix + "submissions";
    probeColumns = "SELECT " + COLUMNS + ", field_purge_at FROM " + table + " WHERE 1 = 0";
    insert = "INSERT INTO " + table + " (" + COLUMNS + ", field_purge_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    insertUnlessEnded = "INSERT INTO " + table + " (" + COLUMNS + ", field_purge_at) "
        + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM " + prefix
        + "ended_conversations WHERE conversation_id = ? AND remember_until > ?)";
    find = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ? AND purge_at > ?";
    findByConversation = "SELECT " + COLUMNS + " FROM " + table + " WHERE conversation_id = ? AND purge_at > ?";
    // Locking statements find their row by primary key only, so that no plan can lock a range of other
    // rows; the store checks purge_at itself and rolls back if the row it locked is due. A claim takes no
    // lock: it reads, and commits its view by a compare-and-set on id and version.
    deleteReturning = switch (dialect) {
      case POSTGRESQL, MARIADB -> "DELETE FROM " + table + " WHERE id = ? RETURNING " + META_COLUMNS;
      case H2 -> "SELECT " + META_COLUMNS + " FROM OLD TABLE (DELETE FROM " + table + " WHERE id = ?)";
      default -> null;
    };
    countDown = "UPDATE " + table + " SET views_left = ?, version = ?, purge_at = ? WHERE id = ? AND version = ?";
    deleteById = "DELETE FROM " + table + " WHERE id = ?";
    deleteByIdAndVersion = "DELETE FROM " + table + " WHERE id = ? AND version = ?";
    lockForDelete = "SELECT " + META_COLUMNS + " FROM " + table + " WHERE id = ? FOR UPDATE";
    replace = "UPDATE " + table + " SET form_id = ?, schema_version = ?, conversation_id = ?, submitted_at = ?, "
        + "version = ?, max_views = ?, views_left = ?, reveal_window_ms = ?, expires_at = ?, purge_at = ?, "
        + "purge_after_conv_end_ms = ?, conversation_ended_at = ?, field_retention = ?, preview = ?, "
        + "envelope = ?, field_purge_at = ? WHERE id = ? AND version = ?";
    String now = databaseClock ? databaseNowMillis(dialect) : "?";
    String lockClause = skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
    // A run of batches passes the latest deadline it purged ("from"), so that each batch starts its walk of
    // the purge_at index there instead of at the entries of the rows the previous batches deleted.
    String due = " WHERE purge_at <= " + now;
    String dueFrom = due + " AND purge_at >= ?";
    purgeReturning = dialect == Dialect.POSTGRESQL ? purgeReturning(due, lockClause) : null;
    purgeReturningFrom = dialect == Dialect.POSTGRESQL ? purgeReturning(dueFrom, lockClause) : null;
    lockDueForPurge = "SELECT " + META_COLUMNS + " FROM " + table + due + " ORDER BY purge_at LIMIT ?" + lockClause;
    lockDueForPurgeFrom = "SELECT " + META_COLUMNS + " FROM " + table + dueFrom + " ORDER BY purge_at LIMIT ?"
        + lockClause;
    // H2 locks every matching row before it applies a LIMIT, so there the store pages through the due
    // rows without locks (keyset on purge_at, id) and locks each page by id, skipping locked rows.
    dueCandidates = "SELECT id, purge_at FROM " + table + due + " ORDER BY purge_at, id LIMIT ?";
    dueCandidatesFrom = "SELECT id, purge_at FROM " + table + dueFrom + " ORDER BY purge_at, id LIMIT ?";
    dueCandidatesAfter = "SELECT id, purge_at FROM " + table + " WHERE purge_at <= " + now
        + " AND (purge_at > ? OR (purge_at = ? AND id > ?)) ORDER BY purge_at, id LIMIT ?";
    lockDueIdsPrefix = "SELECT " + META_COLUMNS + " FROM " + table + " WHERE purge_at <= " + now + " AND id IN (";
    lockDueIdsSuffix = ")" + lockClause;
    this.databaseClock = databaseClock;
    findFieldPurgeDue = "SELECT " + COLUMNS + " FROM " + table
        + " WHERE field_purge_at <= ? AND purge_at > ? ORDER BY field_purge_at LIMIT ?";
    endedTable = prefix + "ended_conversations";
    probeEndedColumns = "SELECT conversation_id, ended_at, remember_until FROM " + endedTable + " WHERE 1 = 0";
    insertEnded = "INSERT INTO " + endedTable + " (conversation_id, ended_at, remember_until) VALUES (?, ?, ?)";
    // Monotonic, so concurrent calls commute: the earliest end and the latest memory win.
    updateEnded = "UPDATE " + endedTable + " SET ended_at = CASE WHEN ended_at > ? THEN ? ELSE ended_at END, "
        + "remember_until = CASE WHEN remember_until < ? THEN ? ELSE remember_until END WHERE conversation_id = ?";
    findEnded = "SELECT ended_at, remember_until FROM " + endedTable + " WHERE conversation_id = ?";
    // No locks: the delete re-checks remember_until, so a concurrent end that extended it keeps its row.
    forgetEndedIds = "SELECT conversation_id FROM " + endedTable + " WHERE remember_until <= ? "
        + "ORDER BY remember_until LIMIT ?";
  }

  private String purgeReturning(String where, String lockClause) {
    return "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table + where + " ORDER BY purge_at LIMIT ?"
        + lockClause + ") RETURNING " + META_COLUMNS;
  }

  /** Deletes up to {@code n} forgotten conversations (parameter 1 is now, then the ids). */
  String deleteEnded(int n) {
    StringBuilder b = new StringBuilder(80 + endedTable.length() + 3 * n).append("DELETE FROM ").append(endedTable)
        .append(" WHERE remember_until <= ? AND conversation_id IN (");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.append(')').toString();
  }

  /**
   * Makes {@code n} damaged rows due at once (parameter 1 is now, then the ids), so that the next purge
   * deletes and reports them; the version moves so that no compare-and-set from before succeeds.
   */
  String quarantine(int n) {
    StringBuilder b = new StringBuilder(96 + table.length() + 3 * n).append("UPDATE ").append(table)
        .append(" SET purge_at = ?, field_purge_at = NULL, version = version + 1 WHERE id IN (");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.append(')').toString();
  }

  /**
   * Binds {@code now} (unless the database's clock stands in for it) from parameter 1 on, and returns the
   * next parameter index.
   */
  int bindNow(PreparedStatement ps, long nowMillis) throws SQLException {
    if (databaseClock) {
      return 1;
    }
    ps.setLong(1, nowMillis);
    return 2;
  }

  /** Locks the due rows among {@code n} ids, skipping rows other transactions hold. */
  String lockDueIds(int n) {
    StringBuilder b = new StringBuilder(lockDueIdsPrefix.length() + lockDueIdsSuffix.length() + 3 * n)
        .append(lockDueIdsPrefix);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.append(lockDueIdsSuffix).toString();
  }

  /** {@code DELETE FROM table WHERE id IN (?, ..., ?)} with {@code n} parameters. */
  String deleteIds(int n) {
    StringBuilder b = new StringBuilder(32 + table.length() + 3 * n).append("DELETE FROM ").append(table)
        .append(" WHERE id IN (");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.append(')').toString();
  }

  /**
   * The database's current time in epoch milliseconds (UTC), stable within a statement so that the purge_at
   * index stays usable, and independent of the session's time zone.
   */
  static String databaseNowMillis(Dialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> "CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)";
      case MARIADB, MYSQL -> "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)";
      case H2 -> "DATEDIFF(MILLISECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', CURRENT_TIMESTAMP)";
    };
  }
}
