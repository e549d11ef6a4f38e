package dev.lhn.secureforms.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The tiny app on embedded H2, with the actuator's meter registry and health, and its epoch keys on a
 * second H2 database: the DataSource bean {@code secureFormsEpochKeysDataSource}, as docs/SPRING.md
 * recommends.
 */
@SpringBootTest(classes = {TinyApp.class, H2ApplicationTest.EpochKeysDatabase.class}, properties = {
    "spring.datasource.url=jdbc:h2:mem:lsf_boot_app;DB_CLOSE_DELAY=-1",
    "lhn.secure-forms.kek.uri=fake-kms://projects/test/keys/kek",
    "lhn.secure-forms.jdbc.create-schema=true",
    "lhn.secure-forms.purge.interval=1s",
    "lhn.secure-forms.health.kek-probe-cache=0s"})
class H2ApplicationTest extends AbstractApplicationTest {
  @Autowired DataSource application;
  @Autowired @Qualifier(SecureFormsAutoConfiguration.EPOCH_KEYS_DATA_SOURCE_BEAN) DataSource keys;

  /** The epoch keys' own database; not a default candidate, so Boot still configures the application's. */
  @TestConfiguration(proxyBeanMethods = false)
  static class EpochKeysDatabase {
    @Bean(name = SecureFormsAutoConfiguration.EPOCH_KEYS_DATA_SOURCE_BEAN, defaultCandidate = false)
    DataSource secureFormsEpochKeysDataSource() {
      JdbcDataSource ds = new JdbcDataSource();
      ds.setURL("jdbc:h2:mem:lsf_boot_app_keys;DB_CLOSE_DELAY=-1");
      return ds;
    }
  }

  @Test
  void epochKeys_liveInTheirOwnDatabase_notBesideTheSubmissions() throws SQLException {
    assertThat(application).isNotSameAs(keys);
    assertThat(tables(keys)).contains("LSF_EPOCH_KEYS").doesNotContain("LSF_SUBMISSIONS");
    assertThat(tables(application)).contains("LSF_SUBMISSIONS").doesNotContain("LSF_EPOCH_KEYS");
  }

  private static java.util.List<String> tables(DataSource ds) throws SQLException {
    java.util.List<String> names = new java.util.ArrayList<>();
    try (Connection c = ds.getConnection();
        var rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
