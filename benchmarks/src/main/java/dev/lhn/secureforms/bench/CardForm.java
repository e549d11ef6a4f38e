package dev.lhn.secureforms.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The fixture every benchmark shares: a 6-field card form, a visitor's values, and a local KEK. */
final class CardForm {
  static final String FORM_ID = "card-payment";
  static final int VERSION = 1;

  /** name, card number, expiry, card code, postal code, e-mail: the form of issue #5. */
  static final FormSchema SCHEMA = FormSchema.builder(FORM_ID)
      .version(VERSION)
      .field(Field.text("name").label("Name on card").maxLength(80))
      .field(Field.cardNumber("pan").label("Card number"))
      .field(Field.cardExpiry("exp").label("Expiry"))
      .field(Field.cardCvc("cvc").label("Card code"))
      .field(Field.text("postal").label("Postal code").maxLength(12))
      .field(Field.email("email").label("E-mail"))
      .build();

  private CardForm() {}

  /** The raw input a visitor types (normalisation strips the card number's spaces). */
  static Map<String, String> values() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Jane Q. Example");
    v.put("pan", "4111 1111 1111 1111");
    v.put("exp", "12/2039");
    v.put("cvc", "737");
    v.put("postal", "94107");
    v.put("email", "jane.example@example.com");
    return v;
  }

  /**
   * The KEK of issue #5, for our envelope and for the Tink {@code KmsEnvelopeAead} baseline alike: a
   * local AES256_GCM keyset's primitive (what a KMS client's {@code getAead} stands in for).
   */
  static Aead localKek() {
    try {
      AeadConfig.register();
      Configuration config = RegistryConfiguration.get();
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, config)
          .getPrimitive(config, Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the benchmark KEK", e);
    }
  }
}
