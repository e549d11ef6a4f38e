package dev.lhn.secureforms.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** {@code /actuator/health} is UP, with the starter's secureForms indicator on the demo KMS and H2. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.datasource.url=jdbc:h2:mem:bootsample_health;DB_CLOSE_DELAY=-1")
class HealthEndpointTest {
  @LocalServerPort int port;

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
}
