package dev.lhn.secureforms.testing;

import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Classification;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The forms the tests share. */
public final class Forms {
  private Forms() {}

  /** The 6-field card form: name, card number, expiry, card code, postal code, e-mail. */
  public static FormSchema card() {
    return card(RevealPolicy.viewOnce());
  }

  public static FormSchema card(RevealPolicy reveal) {
    return FormSchema.builder("card-payment")
        .version(1)
        .title("Card payment")
        .field(Field.text("name").label("Name on card").maxLength(80))
        .field(Field.cardNumber("pan").label("Card number"))
        .field(Field.cardExpiry("exp").label("Expiry"))
        .field(Field.cardCvc("cvc").label("Card code")
            .retention(RetentionPolicy.afterConversationEnd(Duration.ZERO)))
        .field(Field.text("postal").label("Postal code").maxLength(12).optional())
        .field(Field.email("email").label("E-mail").optional())
        .revealPolicy(reveal)
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }

  /** Values for {@link #card()}, valid at any time before 2040. */
  public static Map<String, String> cardValues() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Jane Q. Public");
    v.put("pan", "4242 4242 4242 4242");
    v.put("exp", "12/39");
    v.put("cvc", "123");
    v.put("postal", "94105");
    v.put("email", "jane@example.com");
    return v;
  }

  /** A HIPAA intake form, two views allowed. */
  public static FormSchema intake() {
    return FormSchema.builder("hipaa-intake")
        .version(3)
        .field(Field.text("name"))
        .field(Field.date("dob").notAfterToday())
        .field(Field.usSsn("ssn"))
        .field(Field.multiline("symptoms").classification(Classification.PHI).maxLength(2000))
        .revealPolicy(RevealPolicy.views(2))
        .build();
  }
}
