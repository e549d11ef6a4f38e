package dev.lhn.secureforms.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The databases of the end-to-end and purge benchmarks: embedded H2 (in memory) and the local PostgreSQL and
 * MariaDB servers (DEVELOPERS.md: 127.0.0.1, trust auth, database {@code test}). Override with system
 * properties {@code bench.postgresql.url}, {@code bench.mariadb.url} (and {@code .user}, {@code .password}).
 * Every table the benchmarks make starts with {@value #PREFIX} and is dropped at the end.
 */
final class Databases {
  static final String PREFIX = "lsfbench_";
  static final String STORE_TABLE = PREFIX + "submissions";
  static final String FLOOR_TABLE = PREFIX + "floor";
  static final String EPOCH_KEYS_TABLE = PREFIX + "epoch_keys";

  private Databases() {}

  /** A pool of {@code size} connections to the database named by a benchmark's {@code store} parameter. */
  static BenchDataSource open(String store, int size, String urlSuffix) throws SQLException {
    return switch (store) {
      case "h2" -> new BenchDataSource("jdbc:h2:mem:lsfbench" + ThreadLocalRandom.current().nextInt(1 << 30)
          + ";DB_CLOSE_DELAY=-1", "sa", "", size);
      case "postgresql" -> new BenchDataSource(
          System.getProperty("bench.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/test") + urlSuffix,
          System.getProperty("bench.postgresql.user", "postgres"),
          System.getProperty("bench.postgresql.password", ""), size);
      case "mariadb" -> new BenchDataSource(
          System.getProperty("bench.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/test") + urlSuffix,
          System.getProperty("bench.mariadb.user", "root"),
          System.getProperty("bench.mariadb.password", ""), size);
      default -> throw new IllegalArgumentException("unknown store '" + store + "': memory, h2, postgresql or mariadb");
    };
  }

  /** The floor's table: the id, a purge deadline with its index (any retention needs one), the bytes. */
  static String floorDdl(String store) {
    return switch (store) {
      case "postgresql" -> "CREATE TABLE " + FLOOR_TABLE
          + " (id BYTEA PRIMARY KEY, purge_at BIGINT NOT NULL, envelope BYTEA NOT NULL)";
      case "mariadb" -> "CREATE TABLE " + FLOOR_TABLE
          + " (id BINARY(16) PRIMARY KEY, purge_at BIGINT NOT NULL, envelope LONGBLOB NOT NULL) ENGINE=InnoDB";
      default -> "CREATE TABLE " + FLOOR_TABLE
          + " (id BINARY(16) PRIMARY KEY, purge_at BIGINT NOT NULL, envelope BINARY VARYING(1048576) NOT NULL)";
    };
  }

  static void dropAll(BenchDataSource ds) throws SQLException {
    execute(ds, "DROP TABLE IF EXISTS " + STORE_TABLE);
    execute(ds, "DROP TABLE IF EXISTS " + FLOOR_TABLE);
    execute(ds, "DROP TABLE IF EXISTS " + EPOCH_KEYS_TABLE);
    for (String t : new String[] {"journal", "journal_chain", "outbox", "ended_conversations"}) {
      execute(ds, "DROP TABLE IF EXISTS " + PREFIX + t);
    }
  }

  static void execute(BenchDataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
