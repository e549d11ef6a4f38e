package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DialectTest {

  @Test
  void detect_productNamesOfTheFourDatabases() {
    assertEquals(Dialect.POSTGRESQL, Dialect.detect("PostgreSQL", "15.20 (Debian 15.20-0+deb12u1)"));
    assertEquals(Dialect.MARIADB, Dialect.detect("MariaDB", "10.11.19-MariaDB-0+deb12u1"));
    assertEquals(Dialect.MYSQL, Dialect.detect("MySQL", "8.0.39"));
    assertEquals(Dialect.H2, Dialect.detect("H2", "2.3.232 (2024-08-11)"));
  }

  @Test
  void detect_mysqlDriverOnMariaDbServer_isMariaDb() {
    assertEquals(Dialect.MARIADB, Dialect.detect("MySQL", "5.5.5-10.11.19-MariaDB-0+deb12u1"));
  }

  @Test
  void detect_otherProducts_isNull() {
    assertNull(Dialect.detect("Oracle", "Oracle Database 19c"));
    assertNull(Dialect.detect("Microsoft SQL Server", "16.00"));
    assertNull(Dialect.detect("Apache Derby", "10.17"));
    assertNull(Dialect.detect(null, null));
  }

  @Test
  void schemaResource_pointsIntoThePackage() {
    assertEquals("dev/lhn/secureforms/jdbc/schema-postgresql.sql", Dialect.POSTGRESQL.schemaResource());
    assertEquals("dev/lhn/secureforms/jdbc/schema-mariadb.sql", Dialect.MARIADB.schemaResource());
    assertEquals("dev/lhn/secureforms/jdbc/schema-mysql.sql", Dialect.MYSQL.schemaResource());
    assertEquals("dev/lhn/secureforms/jdbc/schema-h2.sql", Dialect.H2.schemaResource());
  }
}
