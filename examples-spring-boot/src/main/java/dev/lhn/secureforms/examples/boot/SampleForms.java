package dev.lhn.secureforms.examples.boot;

import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's forms, as beans: {@link FormsController} serves every {@code FormSchema} bean under its
 * form id. The card form is the one the other examples use ({@code examples/.../DemoForms}).
 */
@Configuration(proxyBeanMethods = false)
public class SampleForms {
  /** Created by Spring. */
  public SampleForms() {}

  /**
   * A card payment: revealed once (the reveal purges it), purged 24 hours after submission or one hour
   * after the conversation ends, and the card code, PCI sensitive authentication data, the moment the
   * conversation ends.
   *
   * @return the {@code card-payment} form
   */
  @Bean
  public FormSchema cardPayment() {
    return FormSchema.builder("card-payment")
        .version(1)
        .title("Card payment")
        .field(Field.text("name").label("Name on card").maxLength(80))
        .field(Field.cardNumber("pan").label("Card number"))
        .field(Field.cardExpiry("exp").label("Expiry (MM/YY)"))
        .field(Field.cardCvc("cvc").label("Card code")
            .retention(RetentionPolicy.afterConversationEnd(Duration.ZERO)))
        .field(Field.text("postalCode").label("Postal code").maxLength(12))
        .field(Field.email("email").label("E-mail for the receipt").optional())
        .revealPolicy(RevealPolicy.viewOnce())
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24))
            .andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }
}
