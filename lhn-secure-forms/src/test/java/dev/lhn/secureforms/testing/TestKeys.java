package dev.lhn.secureforms.testing;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Real Tink keys for tests: the published test KEK of the frozen vectors, and fresh random KEKs. */
public final class TestKeys {
  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestKeys() {}

  /** A fresh AES256_GCM keyset primitive. */
  public static Aead freshKek() {
    try {
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The published test KEK of the frozen test vectors (src/test/resources/vectors/test-kek.json). */
  public static Aead vectorKek() {
    try (InputStream in = TestKeys.class.getResourceAsStream("/vectors/test-kek.json")) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get())
          .getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A KEK that can be switched off (an outage) and counts its calls. */
  public static final class FlakyKek implements Aead {
    private final Aead delegate;
    public final AtomicBoolean down = new AtomicBoolean();
    public final AtomicInteger encrypts = new AtomicInteger();
    public final AtomicInteger decrypts = new AtomicInteger();

    public FlakyKek(Aead delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] ad) throws GeneralSecurityException {
      encrypts.incrementAndGet();
      if (down.get()) {
        throw new GeneralSecurityException("KMS unavailable: connection refused");
      }
      return delegate.encrypt(plaintext, ad);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] ad) throws GeneralSecurityException {
      decrypts.incrementAndGet();
      if (down.get()) {
        throw new GeneralSecurityException("KMS unavailable: connection refused");
      }
      return delegate.decrypt(ciphertext, ad);
    }
  }

  /** Hex of bytes, for canary checks. */
  public static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
