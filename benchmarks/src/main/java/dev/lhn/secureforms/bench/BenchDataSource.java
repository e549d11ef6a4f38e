package dev.lhn.secureforms.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A tiny fixed-size connection pool, so that the store and its plain-JDBC floor pay exactly the same for a
 * connection (a queue poll and offer) and neither pays a connect. Not for production: no validation, no
 * timeouts, no eviction.
 */
final class BenchDataSource implements DataSource, AutoCloseable {
  private final String url;
  private final String user;
  private final String password;
  private final int size;
  private final LinkedBlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
  private final List<Connection> all = new ArrayList<>();

  BenchDataSource(String url, String user, String password, int size) throws SQLException {
    this.url = url;
    this.user = user;
    this.password = password;
    this.size = size;
    for (int i = 0; i < size; i++) {
      Connection c = DriverManager.getConnection(url, user, password);
      all.add(c);
      idle.add(c);
    }
  }

  String url() {
    return url;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection physical;
    try {
      physical = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for one of " + size + " connections");
    }
    boolean[] closed = new boolean[1];
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "close" -> {
              if (!closed[0]) {
                closed[0] = true;
                if (!physical.getAutoCommit()) {
                  physical.rollback();
                  physical.setAutoCommit(true);
                }
                idle.add(physical);
              }
              return null;
            }
            case "isClosed" -> {
              return closed[0];
            }
            case "unwrap" -> {
              return physical.unwrap((Class<?>) args[0]);
            }
            case "isWrapperFor" -> {
              return physical.isWrapperFor((Class<?>) args[0]);
            }
            default -> {
              if (closed[0]) {
                throw new SQLException("connection already returned to the pool");
              }
              try {
                return method.invoke(physical, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }
          }
        });
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("fixed credentials");
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
