package dev.lhn.secureforms.examples.boot;

import dev.lhn.secureforms.RevealAuthorizer;
import dev.lhn.secureforms.spring.boot.SecureFormsAutoConfiguration;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot sample: the starter's {@code SecureForms} on embedded H2 (its epoch keys on a second H2
 * database), a card form ({@link SampleForms}),
 * a REST API ({@link FormsController}) and {@code /actuator/health}. Run it from the repository root:
 *
 * <pre>./mvnw -q -pl examples-spring-boot -am package -DskipTests -Pbootsample</pre>
 *
 * <p>Its key-encryption key comes from {@link DemoKms}, an in-memory KMS stand-in for the demo only.
 * Production sets {@code lhn.secure-forms.kek.uri=aws-kms://...} (or {@code gcp-kms://...}) and adds
 * Tink's KMS client for it; nothing else changes.
 */
@SpringBootApplication
public class BootSampleApplication {
  /** Created by Spring. */
  public BootSampleApplication() {}

  public static void main(String[] args) {
    SpringApplication.run(BootSampleApplication.class, args);
  }

  /**
   * DEMO ONLY: a KMS stand-in for {@code demo-kms://} URIs, whose key lives in this process's memory. The
   * starter asks every {@code KmsClient} bean for the URI in {@code lhn.secure-forms.kek.uri}; with an
   * {@code aws-kms://} or {@code gcp-kms://} URI this bean says it does not support it and Tink's real
   * client is used.
   */
  @Bean
  DemoKms demoKms() {
    return new DemoKms();
  }

  /**
   * The epoch keys' own database, {@code sample.epoch-keys.url}: the starter puts its {@code JdbcEpochKeyStore}
   * on the DataSource bean of this name, so that a backup of the submissions' database never holds the keys
   * that open them (docs/KEYS.md). Not a default candidate: Boot still configures {@code spring.datasource.*}
   * as the application's DataSource, where the submissions go.
   */
  @Bean(name = SecureFormsAutoConfiguration.EPOCH_KEYS_DATA_SOURCE_BEAN, defaultCandidate = false)
  DataSource secureFormsEpochKeysDataSource(@Value("${sample.epoch-keys.url}") String url) {
    return DataSourceBuilder.create().url(url).build();
  }

  /**
   * Who may reveal: the operator ids in {@code sample.operators}. A real host checks its own permissions
   * here, for the operator its authentication established (not a request header, as in this sample).
   */
  @Bean
  RevealAuthorizer revealAuthorizer(@Value("${sample.operators}") List<String> operators) {
    Set<String> allowed = Set.copyOf(operators);
    return (viewer, status) -> allowed.contains(viewer.operatorId());
  }
}
