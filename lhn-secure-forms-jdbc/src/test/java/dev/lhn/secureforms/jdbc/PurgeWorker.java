package dev.lhn.secureforms.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A separate JVM that purges until it is killed: {@code PurgeWorker <tablePrefix> <nowMillis> <batchSize>
 * <blockAtCommit>}, the JDBC URL in {@code LSF_WORKER_URL}. Its connection has auto-commit off, so every
 * batch ends with a commit; the {@code blockAtCommit}-th commit never happens: the worker prints
 * {@code BLOCKED <database session id>} and waits, holding a batch deleted but not committed, to be killed.
 */
public final class PurgeWorker {
  private PurgeWorker() {}

  public static void main(String[] args) throws Exception {
    String prefix = args[0];
    Instant now = Instant.ofEpochMilli(Long.parseLong(args[1]));
    int batch = Integer.parseInt(args[2]);
    int blockAt = Integer.parseInt(args[3]);
    DataSource url = new TestDatabase.UrlDataSource(System.getenv("LSF_WORKER_URL"));
    AtomicInteger commits = new AtomicInteger();
    DataSource blocking = new DelegatingDataSource(url) {
      @Override
      public Connection getConnection() throws java.sql.SQLException {
        Connection real = url.getConnection();
        real.setAutoCommit(false);
        return (Connection) Proxy.newProxyInstance(PurgeWorker.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, margs) -> {
              if (method.getName().equals("commit") && commits.incrementAndGet() == blockAt) {
                String session;
                try (Statement s = real.createStatement();
                    ResultSet rs = s.executeQuery(real.getMetaData().getDatabaseProductName().equals("PostgreSQL")
                        ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
                  rs.next();
                  session = rs.getString(1);
                }
                System.out.println("BLOCKED " + session);
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
              }
              try {
                return method.invoke(real, margs);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }
    };
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(blocking).tablePrefix(prefix).build();
      int total = 0;
      while (true) {
        int n = store.purgeDue(now, batch).size();
        total += n;
        System.out.println("COMMITTED " + total);
        if (n < batch) {
          break;
        }
      }
      System.out.println("FINISHED " + total);
    } catch (Throwable t) {
      System.out.println("ERROR " + t);
      System.exit(2);
    }
    System.exit(0);
  }
}
