package dev.lhn.secureforms.spring.boot;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.time.InstantSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code secureForms} health indicator, when Spring Boot's health support is present and
 * {@code management.health.secureForms.enabled} is not {@code false}.
 */
@AutoConfiguration(after = SecureFormsAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, SecureForms.class})
@ConditionalOnBean(SecureForms.class)
@ConditionalOnEnabledHealthIndicator("secureForms")
public class SecureFormsHealthAutoConfiguration {
  /** Created by Spring. */
  public SecureFormsHealthAutoConfiguration() {}

  /**
   * The indicator; its bean name makes the contributor {@code secureForms}.
   *
   * @param forms the instance
   * @param store its store
   * @param kek its key-encryption key
   * @param properties the properties
   * @return the indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "secureFormsHealthIndicator")
  public SecureFormsHealthIndicator secureFormsHealthIndicator(SecureForms forms, SubmissionStore store,
      @Qualifier(SecureFormsAutoConfiguration.KEK_BEAN) Aead kek, SecureFormsProperties properties) {
    SecureFormsProperties.Purge purge = properties.getPurge();
    return new SecureFormsHealthIndicator(forms, store, kek, purge.isEnabled() ? purge.getInterval() : null,
        properties.getHealth().getMaxPurgeLag(), properties.getHealth().getKekProbeCache(), InstantSource.system());
  }
}
