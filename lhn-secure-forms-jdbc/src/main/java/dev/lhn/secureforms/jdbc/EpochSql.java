package dev.lhn.secureforms.jdbc;

/**
 * The statements of {@link JdbcEpochKeyStore}: one portable set, with the few overrides where a dialect
 * differs. Only the table name is spliced in (a validated prefix); every value is a bind parameter.
 */
final class EpochSql {
  /** The primary key's columns, in id order. */
  static final String ID_COLUMNS = "tenant, key_class, window_start, window_length";
  /** The columns of a key, in the order {@link JdbcEpochKeyStore} reads them. */
  static final String COLUMNS = ID_COLUMNS + ", destroy_at, version, wrapped";
  private static final String ID_MATCH = "(tenant = ? AND key_class = ? AND window_start = ? AND window_length = ?)";

  final String table;
  final String probeColumns;
  final String insert;
  final String find;
  final String findLive;
  final String live;
  final String liveAfter;
  final String rewrap;
  /** Deletes one batch of due keys and returns their ids, in one statement (PostgreSQL). */
  final String destroyReturning;
  final String lockDue;
  /** H2: the due keys in (destroy_at, id) order without locks, first page and the pages after. */
  final String dueCandidates;
  final String dueCandidatesAfter;
  private final String lockIdsPrefix;
  private final String lockIdsSuffix;

  EpochSql(Dialect dialect, String prefix, boolean skipLocked) {
    table = prefix + "epoch_keys";
    probeColumns = "SELECT " + COLUMNS + " FROM " + table + " WHERE 1 = 0";
    insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
    find = "SELECT " + COLUMNS + " FROM " + table + " WHERE " + ID_MATCH;
    findLive = find + " AND destroy_at > ?";
    String order = " ORDER BY " + ID_COLUMNS + " LIMIT ?";
    live = "SELECT " + COLUMNS + " FROM " + table + " WHERE destroy_at > ?" + order;
    liveAfter = "SELECT " + COLUMNS + " FROM " + table + " WHERE destroy_at > ? AND (" + ID_COLUMNS
        + ") > (?, ?, ?, ?)" + order;
    rewrap = "UPDATE " + table + " SET wrapped = ?, version = ? WHERE " + ID_MATCH
        + " AND version = ? AND destroy_at > ?";
    String lockClause = skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
    String dueIds = "SELECT " + ID_COLUMNS + " FROM " + table + " WHERE destroy_at <= ? ORDER BY destroy_at LIMIT ?";
    destroyReturning = dialect == Dialect.POSTGRESQL
        ? "DELETE FROM " + table + " WHERE (" + ID_COLUMNS + ") IN (" + dueIds + lockClause + ") RETURNING " + ID_COLUMNS
        : null;
    lockDue = dueIds + lockClause;
    // H2 locks every matching row before it applies a LIMIT (see Sql): page without locks, lock by id.
    String candidates = "SELECT " + ID_COLUMNS + ", destroy_at FROM " + table + " WHERE destroy_at <= ?";
    String candidateOrder = " ORDER BY destroy_at, " + ID_COLUMNS + " LIMIT ?";
    dueCandidates = candidates + candidateOrder;
    dueCandidatesAfter = candidates + " AND (destroy_at, " + ID_COLUMNS + ") > (?, ?, ?, ?, ?)" + candidateOrder;
    lockIdsPrefix = "SELECT " + ID_COLUMNS + " FROM " + table + " WHERE destroy_at <= ? AND (";
    lockIdsSuffix = ")" + lockClause;
  }

  /** Locks the due keys among {@code n} ids (parameter 1 is now, then four per id), skipping held rows. */
  String lockDueIds(int n) {
    return idMatches(new StringBuilder(lockIdsPrefix), n).append(lockIdsSuffix).toString();
  }

  /** Deletes {@code n} keys by id (four parameters per id). */
  String deleteIds(int n) {
    return idMatches(new StringBuilder("DELETE FROM ").append(table).append(" WHERE "), n).toString();
  }

  /** {@code (tenant = ? AND ...) OR ...}: every database uses the primary key for it. */
  private static StringBuilder idMatches(StringBuilder b, int n) {
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " OR ").append(ID_MATCH);
    }
    return b;
  }
}
