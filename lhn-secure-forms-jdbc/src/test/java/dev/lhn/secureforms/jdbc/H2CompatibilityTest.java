package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.tck.SubmissionStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The compatibility kit against the JDBC store on embedded H2. */
class H2CompatibilityTest extends SubmissionStoreCompatibilityKit {
  private static final JdbcFixture DB = new JdbcFixture(TestDatabase.H2, "tckh2");

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
