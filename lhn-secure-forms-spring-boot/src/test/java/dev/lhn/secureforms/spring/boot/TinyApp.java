package dev.lhn.secureforms.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The tiny application the {@code @SpringBootTest}s start: the auto-configuration plus a KMS test double.
 * No component scan: it lives in the library's package, whose nested configurations must only ever be
 * imported by the auto-configuration, never picked up as user configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TinyApp {
  /** A KmsClient bean: the auto-configuration asks it for fake-kms:// URIs. */
  @Bean
  FakeKms fakeKms() {
    return new FakeKms();
  }
}
