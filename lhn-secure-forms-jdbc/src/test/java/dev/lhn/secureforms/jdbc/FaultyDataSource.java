package dev.lhn.secureforms.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A data source that fails on demand the way drivers do, with messages that quote bind values, as real
 * drivers' messages can; and that records the bytes bound to its statements and the auto-commit mode of
 * every connection handed back.
 */
final class FaultyDataSource extends DelegatingDataSource {
  /** A card number the failing "driver" quotes; it must never surface. */
  static final String CARD_NUMBER = "4111111111111111";
  /** A password the failing "driver" quotes; it must never surface. */
  static final String PASSWORD = "hunter2";

  volatile Predicate<String> failStatement = sql -> false;
  volatile boolean failCommit;
  volatile boolean failRollback;
  volatile boolean failConnect;
  final List<Boolean> autoCommitAtClose = Collections.synchronizedList(new ArrayList<>());
  /** Every {@code byte[]} bound to a statement (ids, envelopes), in order; failures quote the last one. */
  final List<byte[]> boundBytes = Collections.synchronizedList(new ArrayList<>());

  FaultyDataSource(DataSource target) {
    super(target);
  }

  void heal() {
    failStatement = sql -> false;
    failCommit = false;
    failRollback = false;
    failConnect = false;
  }

  /**
   * What the failing "driver" says: a card number, a password and, as PostgreSQL quotes a bytea, the last
   * bytes bound (an envelope after an insert, an id after a lookup).
   */
  SQLException failure() {
    byte[] last;
    synchronized (boundBytes) {
      last = boundBytes.isEmpty() ? new byte[0] : boundBytes.get(boundBytes.size() - 1);
    }
    return new SQLException("ERROR: value '" + CARD_NUMBER + "' too long; bytes=\\x" + HexFormat.of().formatHex(last)
        + "; password=" + PASSWORD, "22001", 1406);
  }

  @Override
  public Connection getConnection() throws SQLException {
    if (failConnect) {
      throw new SQLException("FATAL: password authentication failed for user \"app\" (password=" + PASSWORD + ")", "28P01");
    }
    Connection real = target.getConnection();
    return (Connection) Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "prepareStatement" -> {
              String sql = (String) args[0];
              PreparedStatement ps = (PreparedStatement) call(real, method, args);
              return statement(ps, sql);
            }
            case "commit" -> {
              if (failCommit) {
                throw failure();
              }
            }
            case "rollback" -> {
              if (failRollback) {
                throw failure();
              }
            }
            case "close" -> autoCommitAtClose.add(real.getAutoCommit());
            default -> { }
          }
          return call(real, method, args);
        });
  }

  private PreparedStatement statement(PreparedStatement real, String sql) {
    return (PreparedStatement) Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
          if (method.getName().equals("setBytes") && args[1] instanceof byte[] b) {
            boundBytes.add(b.clone());
          }
          if (method.getName().startsWith("execute") && failStatement.test(sql)) {
            throw failure();
          }
          return call(real, method, args);
        });
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
