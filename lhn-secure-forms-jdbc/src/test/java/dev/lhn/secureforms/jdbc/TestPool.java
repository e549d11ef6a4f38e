package dev.lhn.secureforms.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A small fixed-size pool for the tests, strict where production pools are lenient: a connection handed
 * back with auto-commit off (an unfinished transaction) is recorded as a violation, and
 * {@link #violations()} / {@link #borrowed()} let tests assert that the store returned every connection as
 * it got it.
 */
final class TestPool extends BasicDataSource implements AutoCloseable {
  private final DataSource target;
  private final Semaphore permits;
  private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();
  private final AtomicInteger borrowed = new AtomicInteger();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final boolean autoCommit;

  /** A pool of up to {@code size} connections with auto-commit on. */
  TestPool(DataSource target, int size) {
    this(target, size, true);
  }

  /** A pool whose connections come with the given auto-commit mode (some pools default to off). */
  TestPool(DataSource target, int size, boolean autoCommit) {
    this.target = target;
    this.permits = new Semaphore(size, true);
    this.autoCommit = autoCommit;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new SQLException("test pool exhausted for 60 s", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", "08001");
    }
    try {
      Connection real = idle.pollFirst();
      if (real == null) {
        real = target.getConnection();
      }
      if (real.getAutoCommit() != autoCommit) {
        real.setAutoCommit(autoCommit);
      }
      borrowed.incrementAndGet();
      return (Connection) Proxy.newProxyInstance(TestPool.class.getClassLoader(), new Class<?>[] {Connection.class},
          new Handed(real));
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  private final class Handed implements InvocationHandler {
    private final Connection real;
    private boolean closed;

    Handed(Connection real) {
      this.real = real;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("close")) {
        if (!closed) {
          closed = true;
          giveBack(real);
        }
        return null;
      }
      if (name.equals("isClosed")) {
        return closed || real.isClosed();
      }
      if (closed) {
        throw new SQLException("connection already handed back to the pool", "08003");
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  private void giveBack(Connection real) {
    borrowed.decrementAndGet();
    try {
      if (real.isClosed()) {
        return;
      }
      if (real.getAutoCommit() != autoCommit) {
        violations.add("a connection came back with auto-commit " + real.getAutoCommit() + " instead of " + autoCommit);
        real.rollback();
        real.setAutoCommit(autoCommit);
      }
      idle.addFirst(real);
    } catch (SQLException e) {
      closeQuietly(real);
    } finally {
      permits.release();
    }
  }

  int borrowed() {
    return borrowed.get();
  }

  List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  @Override
  public void close() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // the test is over
    }
  }
}
