package dev.lhn.secureforms.compliance;

/**
 * Where the key-encryption key lives, as the integrator declares it to the builder
 * ({@code SecureForms.Builder.keyEncryptionKey(kek, origin)}). The library cannot see inside a Tink
 * {@code Aead}, so a compliance profile relies on this declaration; it is recorded in the journal's
 * startup verdict, where an assessor can compare it with the deployment.
 */
public enum KekOrigin {
  /** A key held by a cloud or on-premises key management service; the key never leaves it. */
  KMS,
  /** A key held by a hardware security module. */
  HSM,
  /** A local Tink keyset that is itself encrypted by a KMS or HSM key. */
  ENCRYPTED_KEYSET,
  /** A local keyset stored in clear: for development and tests only. */
  PLAINTEXT_KEYSET,
  /** Not declared: what {@code keyEncryptionKey(kek)} without an origin means. */
  UNDECLARED;

  /**
   * {@return whether the key-encryption key is protected by something other than the file system}
   */
  public boolean isProtected() {
    return this == KMS || this == HSM || this == ENCRYPTED_KEYSET;
  }
}
