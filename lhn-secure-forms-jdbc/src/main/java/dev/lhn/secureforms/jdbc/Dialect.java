package dev.lhn.secureforms.jdbc;

import java.util.Locale;

/**
 * The databases {@link JdbcSubmissionStore} speaks, detected from
 * {@link java.sql.DatabaseMetaData#getDatabaseProductName()}. One portable statement set; each dialect
 * overrides only where the SQL differs (see {@code docs/JDBC.md}).
 */
public enum Dialect {
  /** PostgreSQL 12 or later ({@code DELETE ... RETURNING}, {@code FOR UPDATE SKIP LOCKED}). */
  POSTGRESQL("PostgreSQL", "schema-postgresql.sql"),
  /** MariaDB 10.6 or later ({@code DELETE ... RETURNING}, {@code SKIP LOCKED}); 10.5 works without SKIP LOCKED. */
  MARIADB("MariaDB", "schema-mariadb.sql"),
  /** MySQL 8.0.17 or later ({@code SELECT ... FOR UPDATE}, {@code SKIP LOCKED}). */
  MYSQL("MySQL", "schema-mysql.sql"),
  /** H2 2.x ({@code OLD TABLE (DELETE ...)}, {@code SKIP LOCKED}). */
  H2("H2", "schema-h2.sql");

  private final String productName;
  private final String schemaFile;

  Dialect(String productName, String schemaFile) {
    this.productName = productName;
    this.schemaFile = schemaFile;
  }

  /** {@return the product name the database reports, such as {@code "PostgreSQL"}} */
  public String productName() {
    return productName;
  }

  /**
   * Where the DDL of this dialect lives in the jar, such as
   * {@code dev/lhn/secureforms/jdbc/schema-postgresql.sql}; {@link JdbcSubmissionStore#ddl} returns its text.
   *
   * @return the DDL resource path
   */
  public String schemaResource() {
    return "dev/lhn/secureforms/jdbc/" + schemaFile;
  }

  /**
   * Where the DDL of the epoch key table ({@link JdbcEpochKeyStore}) for this dialect lives in the jar, such as
   * {@code dev/lhn/secureforms/jdbc/epoch-keys-postgresql.sql}; {@link JdbcEpochKeyStore#ddl} returns its text.
   *
   * @return the resource path
   */
  public String epochKeysResource() {
    return "dev/lhn/secureforms/jdbc/" + schemaFile.replace("schema-", "epoch-keys-");
  }

  String schemaFile() {
    return schemaFile;
  }

  /**
   * The dialect of a database product, or {@code null} if it is none of ours. MySQL Connector/J reports
   * MariaDB servers as "MySQL"; their version string still says MariaDB.
   */
  static Dialect detect(String productName, String productVersion) {
    String name = productName == null ? "" : productName.trim().toLowerCase(Locale.ROOT);
    String version = productVersion == null ? "" : productVersion.toLowerCase(Locale.ROOT);
    if (name.equals("postgresql")) {
      return POSTGRESQL;
    }
    if (name.equals("mariadb") || (name.equals("mysql") && version.contains("mariadb"))) {
      return MARIADB;
    }
    if (name.equals("mysql")) {
      return MYSQL;
    }
    if (name.equals("h2")) {
      return H2;
    }
    return null;
  }
}
