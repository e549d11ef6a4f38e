package dev.lhn.secureforms.examples.boot;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DEMO ONLY: a stand-in for a KMS, answering {@code demo-kms://} key URIs with an AES-256-GCM key made in
 * this process's memory on first use, the way the starter's own tests use a fake KMS. The key dies with the
 * process, and so does everything it encrypted (the sample's H2 database is in memory too).
 *
 * <p>In production the key-encryption key stays in a real KMS: set
 * {@code lhn.secure-forms.kek.uri=aws-kms://arn:aws:kms:...} (with {@code com.google.crypto.tink:tink-awskms})
 * or {@code gcp-kms://projects/...} (with {@code tink-gcpkms}), and drop this class.
 */
public final class DemoKms implements KmsClient {
  /** The only URIs this stand-in answers. */
  public static final String PREFIX = "demo-kms://";
  private static final Logger LOG = LoggerFactory.getLogger(DemoKms.class);
  private final Map<String, Aead> keys = new ConcurrentHashMap<>();

  /** A stand-in with no keys yet. */
  public DemoKms() {}

  @Override
  public boolean doesSupport(String keyUri) {
    return keyUri != null && keyUri.startsWith(PREFIX);
  }

  @Override
  public KmsClient withCredentials(String credentialPath) {
    return this;
  }

  @Override
  public KmsClient withDefaultCredentials() {
    return this;
  }

  @Override
  public Aead getAead(String keyUri) throws GeneralSecurityException {
    if (!doesSupport(keyUri)) {
      throw new GeneralSecurityException("DemoKms supports only " + PREFIX + " key URIs");
    }
    Aead key = keys.get(keyUri);
    if (key == null) {
      AeadConfig.register();
      key = keys.computeIfAbsent(keyUri, u -> newKey());
      LOG.warn("!!! DEMO key-encryption key: an in-memory key from DemoKms for {}. Everything it encrypts is "
          + "lost when this process stops. Production sets lhn.secure-forms.kek.uri=aws-kms://... (or "
          + "gcp-kms://...) !!!", keyUri);
    }
    return key;
  }

  private static Aead newKey() {
    try {
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the demo key could not be made", e);
    }
  }
}
