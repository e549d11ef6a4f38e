package dev.lhn.secureforms.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lhn.secureforms.spring.boot.SecureFormsAutoConfiguration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** {@code /actuator/health} is UP, with the starter's secureForms indicator on the demo KMS and H2. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:bootsample_health;DB_CLOSE_DELAY=-1",
        "sample.epoch-keys.url=jdbc:h2:mem:bootsample_health_keys;DB_CLOSE_DELAY=-1"})
class HealthEndpointTest {
  @LocalServerPort int port;
  @Autowired DataSource application;
  @Autowired @Qualifier(SecureFormsAutoConfiguration.EPOCH_KEYS_DATA_SOURCE_BEAN) DataSource epochKeys;

  @Test
  void health_isUp_withSecureFormsComponent() {
    Api.Reply r = new Api(port).get("/actuator/health");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode health = r.json();
    assertThat(health.get("status").asString()).isEqualTo("UP");
    JsonNode secureForms = health.get("components").get("secureForms");
    assertThat(secureForms.get("status").asString()).isEqualTo("UP");
    assertThat(secureForms.get("details").get("kek").asString()).isEqualTo("reachable");
    assertThat(secureForms.get("details").get("store").asString()).isEqualTo("reachable");
    assertThat(r.body()).doesNotContain("demo-kms://");
  }

  @Test
  void epochKeys_liveInTheirOwnDatabase_apartFromTheSubmissions() throws SQLException {
    assertThat(tables(epochKeys)).contains("LSF_EPOCH_KEYS").doesNotContain("LSF_SUBMISSIONS");
    assertThat(tables(application)).contains("LSF_SUBMISSIONS").doesNotContain("LSF_EPOCH_KEYS");
  }

  private static List<String> tables(DataSource ds) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = ds.getConnection();
        var rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
