package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;

/**
 * How the JDBC stores talk to their {@link DataSource}: one borrowed connection per unit of work, given back
 * with its auto-commit mode as it was; single statements and transactions; a retry of work the database
 * rolled back for a deadlock or a serialization conflict; and the translation of every {@link SQLException}
 * into a {@link StoreException} that carries the SQL state, never the driver's message.
 */
final class JdbcExecutor {
  /** How often a statement or transaction that lost a deadlock or a serialization conflict is run. */
  static final int ATTEMPTS = 3;

  /** Work on a borrowed connection. */
  @FunctionalInterface
  interface Work<R> {
    R run(Connection c) throws SQLException;
  }

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Logger log;

  /**
   * An executor over {@code dataSource}.
   *
   * @param log the store's logger, so that its messages carry the store's name
   */
  JdbcExecutor(DataSource dataSource, Dialect dialect, Logger log) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.log = log;
  }

  /**
   * Runs one statement: atomic on its own in auto-commit mode; committed (or rolled back) here when the
   * pool hands out connections with auto-commit off, so no transaction is ever left open.
   */
  <R> R singleStatement(String op, Work<R> work) {
    for (int attempt = 1; ; attempt++) {
      Connection c = connect(op);
      try {
        boolean auto = c.getAutoCommit();
        try {
          R r = work.run(c);
          if (!auto) {
            c.commit();
          }
          return r;
        } catch (Throwable t) {
          if (!auto) {
            rollbackQuietly(c);
          }
          throw t;
        }
      } catch (SQLException e) {
        if (!retry(op, e, attempt)) {
          throw translate(op, e);
        }
      } finally {
        closeQuietly(c);
      }
    }
  }

  /**
   * Whether to run the work again: the database rolled it back because it lost a deadlock or a
   * serialization conflict (SQL state class 40: PostgreSQL 40001 and 40P01, MariaDB/MySQL 1213 as 40001),
   * which is safe to retry because nothing of it was committed.
   */
  private boolean retry(String op, SQLException e, int attempt) {
    String state = e.getSQLState();
    if (attempt < ATTEMPTS && state != null && state.startsWith("40")) {
      log.debug("{} lost a deadlock or serialization conflict (SQL state {}); running it again", op, state);
      return true;
    }
    return false;
  }

  /**
   * Runs {@code work} in one transaction: commits if it returns; if it throws, rolls back and rethrows
   * unchanged (an {@link SQLException} becomes a {@link StoreException}). Auto-commit is switched back on
   * only after the transaction ended: if even the rollback fails, the connection goes back with auto-commit
   * off, so that neither the pool nor the driver commits the half-done work (pools roll back such
   * connections or discard them). Once committed, the result is returned whatever happens afterwards. A
   * transaction the database rolled back for a deadlock or a serialization conflict runs again, up to
   * {@value #ATTEMPTS} times in all (so a claim's action may run more than once; only a committed run counts).
   */
  <R> R transaction(String op, Work<R> work) {
    for (int attempt = 1; ; attempt++) {
      Connection c = connect(op);
      try {
        boolean auto = c.getAutoCommit();
        if (auto) {
          c.setAutoCommit(false);
        }
        boolean ended = false;
        try {
          R r = work.run(c);
          c.commit();
          ended = true;
          return r;
        } catch (Throwable t) {
          ended = rollbackQuietly(c);
          throw t;
        } finally {
          if (auto && ended) {
            try {
              c.setAutoCommit(true);
            } catch (SQLException e) {
              log.warn("restoring auto-commit after the {} failed (SQL state {})", op, e.getSQLState());
            }
          }
        }
      } catch (SQLException e) {
        if (!retry(op, e, attempt)) {
          throw translate(op, e);
        }
      } finally {
        closeQuietly(c);
      }
    }
  }

  /** Whether {@code e} says that a primary key is taken. */
  boolean isDuplicateKey(SQLException e) {
    return switch (dialect) {
      case POSTGRESQL, H2 -> "23505".equals(e.getSQLState());
      case MARIADB, MYSQL -> e.getErrorCode() == 1062;
    };
  }

  private Connection connect(String op) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      StoreException x = translate(op, e);
      throw new StoreException(op + " failed: no connection from the data source", x.sqlState(), null);
    }
  }

  private void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      log.warn("closing a connection failed (SQL state {})", stateOf(e));
    }
  }

  private boolean rollbackQuietly(Connection c) {
    try {
      c.rollback();
      return true;
    } catch (SQLException | RuntimeException e) {
      log.warn("rollback failed (SQL state {}); closing the connection without committing", stateOf(e));
      return false;
    }
  }

  private static String stateOf(Exception e) {
    return e instanceof SQLException s ? s.getSQLState() : e.getClass().getSimpleName();
  }

  /**
   * The store's exception for a driver failure: the operation, the vendor code and the SQL state; never the
   * driver's message (it may quote bind values) and never the exception as a cause.
   */
  static StoreException translate(String op, SQLException e) {
    SQLException root = e;
    if (root.getSQLState() == null && root.getNextException() != null) {
      root = root.getNextException();
    }
    int code = root.getErrorCode();
    return new StoreException(op + " failed" + (code != 0 ? ": database error " + code : ""), root.getSQLState(),
        null);
  }
}
