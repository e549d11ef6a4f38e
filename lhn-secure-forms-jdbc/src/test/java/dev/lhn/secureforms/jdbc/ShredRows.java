package dev.lhn.secureforms.jdbc;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Helpers of the crypto-shred and tamper tests (#10): a real Tink KEK, distinct Luhn-valid card numbers, a
 * table copy standing for a backup, its restore into a fresh store, and raw reads of rows and epoch keys.
 */
final class ShredRows {
  private ShredRows() {}

  /** A fresh AES256-GCM Tink keyset as the key-encryption key. */
  static Aead kek() {
    try {
      AeadConfig.register();
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A 16-digit Visa test number, distinct for every {@code i} below 10^11, with a valid Luhn digit. */
  static String pan(int i) {
    String body = "4" + String.format("%014d", (long) i * 7919L + 12345L);
    int sum = 0;
    for (int k = body.length() - 1, pos = 0; k >= 0; k--, pos++) {
      int d = body.charAt(k) - '0';
      if (pos % 2 == 0) { // doubled: the check digit will sit to the right of it
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return body + (10 - sum % 10) % 10;
  }

  /** A card code distinct for every {@code i} below 1000. */
  static String cvc(int i) {
    return String.format("%03d", i % 1000);
  }

  /** A "backup": {@code CREATE TABLE backup AS SELECT * FROM table}, every byte as stored. */
  static void copyTable(DataSource raw, String table, String backup) throws SQLException {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + backup + " AS SELECT * FROM " + table);
    }
  }

  /** Restores a backup into a fresh store's (empty) table; returns how many rows came back. */
  static int restore(DataSource raw, String backup, JdbcSubmissionStore fresh) throws SQLException {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      return s.executeUpdate("INSERT INTO " + fresh.tableName() + " SELECT * FROM " + backup);
    }
  }

  /** One table row column by column (bytes as Base64), to compare before and after. */
  static Map<String, Object> row(DataSource raw, String table, byte[] id) throws SQLException {
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE id = ?")) {
      ps.setBytes(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          if (v instanceof byte[] b) {
            v = Base64.getEncoder().encodeToString(b);
          } else if (v instanceof Number n) {
            v = n.longValue(); // INT vs BIGINT drivers
          } else if (v != null) {
            v = v.toString(); // CLOB, TEXT
          }
          out.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), v);
        }
        return out;
      }
    }
  }

  /** The window starts of the stored epoch keys of one key class. */
  static List<Long> epochWindows(DataSource raw, JdbcEpochKeyStore keys, String keyClass) throws SQLException {
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT window_start FROM " + keys.tableName() + " WHERE key_class = ? ORDER BY window_start")) {
      ps.setString(1, keyClass);
      List<Long> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
      return out;
    }
  }

  /** Runs one UPDATE of one row and checks that it changed exactly that row. */
  static void update(DataSource raw, String table, byte[] id, String set, Object... params) throws SQLException {
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE id = ?")) {
      int i = 1;
      for (Object p : params) {
        ps.setObject(i++, p);
      }
      ps.setBytes(i, id);
      if (ps.executeUpdate() != 1) {
        throw new AssertionError("UPDATE " + set + " changed no row");
      }
    }
  }
}
