package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.tck.SubmissionStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The compatibility kit against the MySQL dialect (no RETURNING: {@code SELECT ... FOR UPDATE}, then delete
 * or update) on the MariaDB server, which speaks that SQL too. The table comes from schema-mariadb.sql.
 */
class MySqlDialectOnMariaDbCompatibilityTest extends SubmissionStoreCompatibilityKit {
  private static final JdbcFixture DB = new JdbcFixture(TestDatabase.MARIADB, "tckmy", Dialect.MYSQL);

  @BeforeAll
  static void createTable() {
    DB.open();
    assertEquals(Dialect.MYSQL, DB.store().dialect());
  }

  @AfterAll
  static void dropTable() {
    DB.close();
  }

  @Override
  protected SubmissionStore createStore() {
    return DB.emptyStore();
  }
}
