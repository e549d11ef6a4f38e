package dev.lhn.secureforms.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** A {@link DataSource} that forwards to another; tests override {@link #getConnection()}. */
class DelegatingDataSource extends BasicDataSource {
  final DataSource target;

  DelegatingDataSource(DataSource target) {
    this.target = target;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return target.getConnection();
  }
}
