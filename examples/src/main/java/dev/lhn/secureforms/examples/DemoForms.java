package dev.lhn.secureforms.examples;

import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Classification;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.Masking;
import dev.lhn.secureforms.schema.RevealPolicy;
import java.time.Duration;

/** The two forms both examples use: a card payment (PCI) and a patient intake (HIPAA). */
public final class DemoForms {
  private DemoForms() {}

  /**
   * A card payment: revealed once (the reveal purges it), purged 24 hours after submission or one hour
   * after the conversation ends, and the card code, sensitive authentication data, the moment the
   * conversation ends.
   */
  public static FormSchema cardPayment() {
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

  /**
   * A HIPAA patient intake: up to two views (say, the nurse and the doctor), purged 24 hours after
   * submission or one hour after the conversation ends. The visit type is not sensitive (classification
   * NONE), so it is the one value the status view shows and a failed submission keeps.
   */
  public static FormSchema hipaaIntake() {
    return FormSchema.builder("hipaa-intake")
        .version(1)
        .title("Patient intake")
        .field(Field.text("name").label("Full name").maxLength(120))
        .field(Field.date("birthDate").label("Date of birth (YYYY-MM-DD)")
            .classification(Classification.PHI).notAfterToday())
        .field(Field.usSsn("ssn").label("Social security number"))
        .field(Field.text("memberId").label("Insurance member ID").maxLength(40)
            .classification(Classification.PHI).masking(Masking.LAST4))
        .field(Field.choice("visitType", "New patient", "Follow-up", "Urgent care").label("Visit type")
            .classification(Classification.NONE).masking(Masking.UNMASKED)) // not sensitive: shown in the preview
        .field(Field.multiline("symptoms").label("Symptoms").maxLength(2000)
            .classification(Classification.PHI))
        .revealPolicy(RevealPolicy.views(2))
        .retention(RetentionPolicy.maxAge(Duration.ofHours(24))
            .andAfterConversationEnd(Duration.ofHours(1)))
        .build();
  }
}
