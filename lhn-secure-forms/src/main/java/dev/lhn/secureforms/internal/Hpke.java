package dev.lhn.secureforms.internal;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;

/**
 * Tink's HPKE (RFC 9180, base mode) with the one suite this library uses: DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM, no Tink output prefix. Tink passes its {@code contextInfo} as HPKE's
 * {@code info} and an empty {@code aad}; the ciphertext is {@code enc || ct} (32 + plaintext + 16 bytes).
 */
public final class Hpke {
  /** The X25519 key size. */
  public static final int KEY_BYTES = 32;
  /** What HPKE adds to a plaintext: the 32-byte encapsulated key and the 16-byte GCM tag. */
  public static final int OVERHEAD = 48;

  private static final HpkeParameters PARAMETERS;

  static {
    try {
      HybridConfig.register();
      PARAMETERS = HpkeParameters.builder()
          .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
          .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
          .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
          .setVariant(HpkeParameters.Variant.NO_PREFIX)
          .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError("Tink's HPKE is unavailable: " + e.getClass().getSimpleName());
    }
  }

  private Hpke() {}

  /** The X25519 public key of a 32-byte private key. */
  public static byte[] publicKey(byte[] privateKey) throws GeneralSecurityException {
    return X25519.publicFromPrivate(privateKey);
  }

  /** A decrypter for a 32-byte X25519 private key (copied). */
  public static HybridDecrypt decrypter(byte[] privateKey) throws GeneralSecurityException {
    HpkePublicKey pub = HpkePublicKey.create(PARAMETERS, Bytes.copyFrom(publicKey(privateKey)), null);
    HpkePrivateKey priv = HpkePrivateKey.create(pub, SecretBytes.copyFrom(privateKey, InsecureSecretKeyAccess.get()));
    KeysetHandle handle = KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.importKey(priv).withRandomId().makePrimary())
        .build();
    return handle.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
  }

  /** An encrypter to a 32-byte X25519 public key. */
  public static HybridEncrypt encrypter(byte[] publicKey) throws GeneralSecurityException {
    HpkePublicKey pub = HpkePublicKey.create(PARAMETERS, Bytes.copyFrom(publicKey), null);
    KeysetHandle handle = KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.importKey(pub).withRandomId().makePrimary())
        .build();
    return handle.getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
  }
}
