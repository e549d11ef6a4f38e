package dev.lhn.secureforms.spring.boot;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A KMS test double: a {@link KmsClient} for {@code fake-kms://} URIs, each key a local AES-256-GCM keyset
 * made on first use. {@link #down} makes every call fail, as a KMS outage would.
 */
final class FakeKms implements KmsClient {
  static final String PREFIX = "fake-kms://";
  final AtomicBoolean down = new AtomicBoolean();
  final AtomicInteger calls = new AtomicInteger();
  private final Map<String, Aead> keys = new ConcurrentHashMap<>();

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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
      throw new GeneralSecurityException("unsupported key URI");
    }
    Aead key = keys.computeIfAbsent(keyUri, u -> {
      try {
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
            .getPrimitive(RegistryConfiguration.get(), Aead.class);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
    return new Aead() {
      @Override
      public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        check();
        return key.encrypt(plaintext, associatedData);
      }

      @Override
      public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        check();
        return key.decrypt(ciphertext, associatedData);
      }
    };
  }

  /** {@link #getAead} without the checked exception, for tests that need a KEK bean. */
  Aead getAeadQuietly(String keyUri) {
    try {
      return getAead(keyUri);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void check() throws GeneralSecurityException {
    calls.incrementAndGet();
    if (down.get()) {
      throw new GeneralSecurityException("fake KMS is down");
    }
  }
}
