package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.sealed.FormRequestStore;
import dev.lhn.secureforms.tck.FormRequestStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The form request kit against the JDBC store on H2. */
class H2FormRequestStoreCompatibilityTest extends FormRequestStoreCompatibilityKit {
  private static final JdbcFixture DB = new JdbcFixture(TestDatabase.H2, "tckfrh2");

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
