package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.sealed.FormRequestStore;
import dev.lhn.secureforms.tck.FormRequestStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The form request kit against the JDBC store on MARIADB. */
class MariaDbFormRequestStoreCompatibilityTest extends FormRequestStoreCompatibilityKit {
  private static final JdbcFixture DB = new JdbcFixture(TestDatabase.MARIADB, "tckfrmaria");

  @BeforeAll
  static void createTable() {
    DB.openFormRequests();
  }

  @AfterAll
  static void dropTable() {
    DB.close();
  }

  @Override
  protected FormRequestStore createStore() {
    return DB.emptyFormRequestStore();
  }
}
