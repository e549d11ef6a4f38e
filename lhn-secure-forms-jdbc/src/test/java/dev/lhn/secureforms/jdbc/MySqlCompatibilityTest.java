package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.tck.SubmissionStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit against a real MySQL 8 server; runs only when LSF_MYSQL_URL is set. */
class MySqlCompatibilityTest extends SubmissionStoreCompatibilityKit {
  private static final JdbcFixture DB = new JdbcFixture(TestDatabase.MYSQL, "tckmysql");

  @BeforeAll
  static void createTable() {
    DB.open();
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
