package dev.lhn.secureforms.spring.boot;

import dev.lhn.secureforms.SecureForms;

/**
 * Adjusts the {@link SecureForms.Builder} before the auto-configured instance is built, for options the
 * properties do not cover (a clock, an audit log). Every bean of this type is applied, in order.
 */
@FunctionalInterface
public interface SecureFormsBuilderCustomizer {
  /**
   * Customizes the builder; the key-encryption key, the store and the scheduler are set already.
   *
   * @param builder the builder
   */
  void customize(SecureForms.Builder builder);
}
