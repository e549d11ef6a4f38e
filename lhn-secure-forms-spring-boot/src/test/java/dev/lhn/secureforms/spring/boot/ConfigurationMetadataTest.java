package dev.lhn.secureforms.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The configuration processor's metadata ships with the classes, so IDEs complete the properties. */
class ConfigurationMetadataTest {
  @Test
  void metadata_listsEveryProperty() throws Exception {
    try (InputStream in = SecureFormsProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(json).contains("\"lhn.secure-forms.kek.uri\"", "\"lhn.secure-forms.kek.keyset.location\"",
          "\"lhn.secure-forms.kek.keyset.kek-uri\"", "\"lhn.secure-forms.kek.allow-plaintext-keyset-for-development\"",
          "\"lhn.secure-forms.jdbc.create-schema\"", "\"lhn.secure-forms.jdbc.table-prefix\"",
          "\"lhn.secure-forms.epoch-keys.create-schema\"", "\"lhn.secure-forms.epoch-keys.table-prefix\"",
          "\"lhn.secure-forms.epoch.window\"", "\"lhn.secure-forms.epoch.grace\"",
          "\"lhn.secure-forms.purge.interval\"", "\"lhn.secure-forms.purge.batch-size\"",
          "\"lhn.secure-forms.purge.enabled\"", "\"lhn.secure-forms.ended-conversation-memory\"",
          "\"lhn.secure-forms.health.max-purge-lag\"", "\"lhn.secure-forms.health.kek-probe-cache\"");
      assertThat(json).as("descriptions from the fields' Javadoc").contains(
          "The epoch window: submissions whose hard deadlines fall in one window share an epoch key",
          "Unset: as lhn.secure-forms.jdbc.table-prefix.");
    }
  }
}
