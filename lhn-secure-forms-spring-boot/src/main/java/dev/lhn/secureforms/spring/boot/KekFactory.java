package dev.lhn.secureforms.spring.boot;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.KmsClients;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds the key-encryption key from {@link SecureFormsProperties.Kek}. A KMS URI is resolved by the
 * first KmsClient bean that supports it, else by Tink's {@link KmsClients} registry, else by Tink's AWS or
 * GCP integration (with default credentials) when its jar is on the class path.
 */
final class KekFactory {
  private static final Logger LOG = LoggerFactory.getLogger(KekFactory.class);
  static final String URI = "lhn.secure-forms.kek.uri";
  static final String KEYSET = "lhn.secure-forms.kek.keyset.location";
  static final String KEYSET_KEK = "lhn.secure-forms.kek.keyset.kek-uri";
  static final String ALLOW_PLAINTEXT = "lhn.secure-forms.kek.allow-plaintext-keyset-for-development";
  /** Tink's integrations, loaded by name so that neither is a dependency of ours. */
  private static final List<String> BUILT_IN = List.of(
      "com.google.crypto.tink.integration.awskms.AwsKmsClient",
      "com.google.crypto.tink.integration.gcpkms.GcpKmsClient");

  private KekFactory() {}

  static Aead create(SecureFormsProperties.Kek kek, List<KmsClient> clients, ResourceLoader resources) {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink's AEAD primitives could not be registered", e);
    }
    String uri = blankToNull(kek.getUri());
    String location = blankToNull(kek.getKeyset().getLocation());
    if (uri != null && location != null) {
      throw new KekConfigurationException(URI, URI + " and " + KEYSET + " are both set; set one of them");
    }
    if (uri != null) {
      return kms(URI, uri, clients);
    }
    if (location == null) {
      throw new KekConfigurationException(URI, URI + " is required (a KMS key URI such as aws-kms://... or "
          + "gcp-kms://...), or " + KEYSET + " with " + KEYSET_KEK + " for a keyset encrypted by a KMS key");
    }
    String json = read(resources.getResource(location), location);
    String keysetKek = blankToNull(kek.getKeyset().getKekUri());
    try {
      KeysetHandle handle;
      if (keysetKek != null) {
        handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(json, kms(KEYSET_KEK, keysetKek, clients), new byte[0]);
      } else if (kek.isAllowPlaintextKeysetForDevelopment()) {
        LOG.warn("!!! lhn-secure-forms is using a PLAINTEXT keyset as its key-encryption key ({}={}) because {}=true. "
            + "Anyone who can read that file can decrypt every submission. Never do this in production: "
            + "use {} or set {}. !!!", KEYSET, location, ALLOW_PLAINTEXT, URI, KEYSET_KEK);
        handle = TinkJsonProtoKeysetFormat.parseKeyset(json, InsecureSecretKeyAccess.get());
      } else {
        throw new KekConfigurationException(KEYSET_KEK, KEYSET_KEK + " is required with " + KEYSET
            + ": a plaintext keyset is refused (set " + ALLOW_PLAINTEXT + "=true for development only)");
      }
      return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new KekConfigurationException(keysetKek != null ? KEYSET_KEK : KEYSET, "the keyset at " + KEYSET
          + " could not be read (" + e.getClass().getSimpleName() + "): wrong key, damaged file or not a Tink "
          + "JSON keyset");
    }
  }

  private static Aead kms(String property, String uri, List<KmsClient> clients) {
    String shown = maskUri(uri);
    try {
      for (KmsClient c : clients) {
        if (c.doesSupport(uri)) {
          return c.getAead(uri);
        }
      }
      try {
        return KmsClients.get(uri).getAead(uri);
      } catch (GeneralSecurityException notRegistered) {
        // fall through to the built-in integrations
      }
      for (String name : BUILT_IN) {
        KmsClient c = load(name);
        if (c != null && c.doesSupport(uri)) {
          return c.withDefaultCredentials().getAead(uri);
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KekConfigurationException(property, "the KMS key at " + property + " (" + shown
          + ") could not be used (" + e.getClass().getSimpleName() + ")");
    }
    throw new KekConfigurationException(property, "no KmsClient supports " + property + " (" + shown
        + "): register a KmsClient bean for it, or add com.google.crypto.tink:tink-awskms or tink-gcpkms for "
        + "aws-kms:// and gcp-kms:// URIs");
  }

  private static KmsClient load(String className) {
    try {
      Class<?> type = Class.forName(className, true, KekFactory.class.getClassLoader());
      return (KmsClient) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static String read(Resource r, String location) {
    try (InputStream in = r.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KekConfigurationException(KEYSET, KEYSET + " (" + location + ") could not be read ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /**
   * A KMS URI for messages and health details: the scheme and the last path segment kept, credentials,
   * query strings and account-identifying parts masked.
   */
  static String maskUri(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    String prefix = scheme < 0 ? "" : uri.substring(0, scheme + 3).toLowerCase(Locale.ROOT);
    String rest = scheme < 0 ? uri : uri.substring(scheme + 3);
    int q = rest.indexOf('?');
    if (q >= 0) {
      rest = rest.substring(0, q);
    }
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      rest = rest.substring(at + 1);
    }
    int slash = rest.lastIndexOf('/');
    String last = slash < 0 ? "" : rest.substring(slash + 1);
    return prefix + "<masked>" + (last.isEmpty() ? "" : "/" + last);
  }
}
