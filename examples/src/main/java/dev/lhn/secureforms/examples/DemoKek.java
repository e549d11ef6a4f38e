package dev.lhn.secureforms.examples;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

/**
 * The demo key-encryption key: a Tink AES256_GCM keyset kept in a PLAINTEXT file, created on first use.
 *
 * <p><strong>For the examples only.</strong> A real deployment gets its KEK from a KMS
 * ({@code KmsClient.getAead(keyUri)}, or a local keyset encrypted under a KMS key) and never stores it next
 * to the submissions it protects: whoever has both the database and this file can read every submission.
 *
 * @param aead the KEK, ready for {@code SecureForms.builder().keyEncryptionKey(...)}
 * @param file where the keyset lives
 * @param created whether this call created the file
 */
public record DemoKek(Aead aead, Path file, boolean created) {

  /** The warning both examples print, so nobody copies this into production by accident. */
  public static final String WARNING = """
      WARNING: demo key-encryption key (KEK). This is a Tink AES256_GCM keyset stored in
        %s
        That file is PLAINTEXT, for this demo only. A real deployment uses a KMS key (Tink's
        KmsClient.getAead, or a keyset encrypted under one) and never keeps the KEK next to the database.""";

  public DemoKek {
    requireNonNull(aead, "aead");
    requireNonNull(file, "file");
  }

  /**
   * Loads the keyset from {@code file}, or creates it (owner-only permissions where the file system has
   * them) if it does not exist yet.
   */
  public static DemoKek loadOrCreate(Path file) {
    requireNonNull(file, "file");
    try {
      AeadConfig.register();
      Configuration config = RegistryConfiguration.get();
      boolean created = false;
      KeysetHandle handle;
      if (Files.exists(file)) {
        handle = TinkJsonProtoKeysetFormat.parseKeyset(
            Files.readString(file, StandardCharsets.UTF_8), config, InsecureSecretKeyAccess.get());
      } else {
        handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, config);
        String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, config, InsecureSecretKeyAccess.get());
        created = write(file, json);
        if (!created) { // another process created it first: use theirs
          handle = TinkJsonProtoKeysetFormat.parseKeyset(
              Files.readString(file, StandardCharsets.UTF_8), config, InsecureSecretKeyAccess.get());
        }
      }
      return new DemoKek(handle.getPrimitive(config, Aead.class), file, created);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the demo keyset " + file + " is unusable ("
          + e.getClass().getSimpleName() + "); delete it to start over (existing demo data becomes unreadable)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the demo keyset " + file, e);
    }
  }

  /** The warning with this keyset's path filled in. */
  public String warning() {
    return String.format(WARNING, file.toAbsolutePath().normalize());
  }

  private static boolean write(Path file, String json) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".demo-kek", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system (Windows): the temp file is private to the user anyway
      }
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      Files.move(tmp, file); // no REPLACE_EXISTING: never overwrite a keyset that protects data
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
