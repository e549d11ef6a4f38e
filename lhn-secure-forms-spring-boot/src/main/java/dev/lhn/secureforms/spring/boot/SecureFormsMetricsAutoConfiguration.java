package dev.lhn.secureforms.spring.boot;

import dev.lhn.secureforms.SecureForms;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The purge lag as a gauge, {@code lhn.secure-forms.purge.lag} (seconds), when Micrometer's meter API is
 * present; the observations themselves come from the core.
 */
@AutoConfiguration(after = SecureFormsAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, SecureForms.class})
@ConditionalOnBean(SecureForms.class)
public class SecureFormsMetricsAutoConfiguration {
  /** Created by Spring. */
  public SecureFormsMetricsAutoConfiguration() {}

  /**
   * Binds the gauge to every meter registry.
   *
   * @param forms the instance
   * @return the binder
   */
  @Bean
  @ConditionalOnMissingBean(name = "secureFormsMeterBinder")
  public MeterBinder secureFormsMeterBinder(SecureForms forms) {
    return registry -> Gauge.builder("lhn.secure-forms.purge.lag", forms,
            f -> f.purgeLag().toNanos() / (double) TimeUnit.SECONDS.toNanos(1))
        .baseUnit("seconds")
        .description("Time between the earliest deadline among the submissions the last purge run removed and that run")
        .register(registry);
  }
}
