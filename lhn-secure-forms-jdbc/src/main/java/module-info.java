/**
 * The JDBC stores for PostgreSQL, MariaDB, MySQL and H2: {@link dev.lhn.secureforms.jdbc.JdbcSubmissionStore}
 * and {@link dev.lhn.secureforms.jdbc.JdbcEpochKeyStore} (on a data source of its own, outside the
 * submissions' backup domain). The DDL for each database ships in the jar; the JDBC driver is the
 * application's.
 */
module dev.lhn.secureforms.jdbc {
  requires transitive dev.lhn.secureforms;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.lhn.secureforms.jdbc;
}
