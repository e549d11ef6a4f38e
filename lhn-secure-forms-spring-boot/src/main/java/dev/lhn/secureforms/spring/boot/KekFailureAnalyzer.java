package dev.lhn.secureforms.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link KekConfigurationException} into a startup report that names the property to set. */
public class KekFailureAnalyzer extends AbstractFailureAnalyzer<KekConfigurationException> {
  /** Creates the analyzer (registered in {@code META-INF/spring.factories}). */
  public KekFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, KekConfigurationException cause) {
    return new FailureAnalysis("lhn-secure-forms could not configure its key-encryption key: " + cause.getMessage(),
        "Set " + cause.property() + ". The KEK is a KMS key (lhn.secure-forms.kek.uri=aws-kms://... or "
            + "gcp-kms://..., or any URI a KmsClient bean supports), or a keyset encrypted by one "
            + "(lhn.secure-forms.kek.keyset.location and lhn.secure-forms.kek.keyset.kek-uri), or an Aead bean "
            + "named 'secureFormsKek'. Keep it out of the database that holds the submissions.",
        cause);
  }
}
