package dev.lhn.secureforms.jdbc;

import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.tck.EpochKeyStoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The epoch key kit against the JDBC store on embedded H2. */
class H2EpochKeyStoreCompatibilityTest extends EpochKeyStoreCompatibilityKit {
  private static final JdbcFixture DB = new JdbcFixture(TestDatabase.H2, "tckekh2");

  @BeforeAll
  static void createTable() {
    DB.openEpochKeys();
  }

  @AfterAll
  static void dropTable() {
    DB.close();
  }

  @Override
  protected EpochKeyStore createStore() {
    return DB.emptyEpochKeyStore();
  }
}
