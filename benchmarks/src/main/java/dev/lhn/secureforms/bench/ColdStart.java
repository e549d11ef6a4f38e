package dev.lhn.secureforms.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * One cold start, in a JVM of its own (#12): from {@code main} to the first sealed submission, each phase
 * timed with {@link System#nanoTime()}. {@link ColdStartRun} starts this class in fresh JVMs and adds the
 * time from the process's start to {@code main}: both read the same monotonic clock (Linux
 * {@code CLOCK_MONOTONIC}), so the child prints absolute readings and the parent subtracts.
 *
 * <p>Phases, as a user's service would run them:
 * <ol>
 *   <li>{@code tink}: the KEK. With argument {@code registry} (the default): {@code AeadConfig.register()} and a
 *       new AES256_GCM keyset's {@code Aead}, as for a local encrypted keyset; with {@code direct}: Tink's
 *       {@code AesGcmJce.create} of an {@code AesGcmKey}, no registry, as a KMS client's {@code getAead} is
 *       (which adds its own client and network set-up);
 *   <li>{@code build}: the card form's {@link FormSchema} and {@code SecureForms.builder()...build()} on
 *       the in-memory stores, scheduler disabled;
 *   <li>{@code submit}: the first {@code submit}: the lookup key and the epoch key created (two KEK calls),
 *       normalisation, the first seal and the insert.
 * </ol>
 *
 * <p>Prints one line, {@code cold: main=<ns> tink=<ns> build=<ns> submit=<ns>} (absolute nanoTime readings at
 * the start of main and at the end of each phase), and nothing else on standard output.
 */
public final class ColdStart {
  private ColdStart() {}

  /**
   * Runs the three phases once and prints their readings.
   *
   * @param args {@code registry} (default) or {@code direct}: how the KEK is made
   * @throws GeneralSecurityException if Tink fails
   */
  public static void main(String[] args) throws GeneralSecurityException {
    long main = System.nanoTime();
    Aead kek;
    if (args.length > 0 && args[0].equals("direct")) {
      kek = AesGcmJce.create(AesGcmKey.builder()
          .setParameters(PredefinedAeadParameters.AES256_GCM)
          .setKeyBytes(SecretBytes.randomBytes(32))
          .setIdRequirement(1)
          .build());
    } else {
      AeadConfig.register();
      Configuration config = RegistryConfiguration.get();
      kek = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, config).getPrimitive(config, Aead.class);
    }
    long tink = System.nanoTime();
    FormSchema form = CardForm.SCHEMA;
    SecureForms forms = SecureForms.builder()
        .keyEncryptionKey(kek)
        .store(SubmissionStore.inMemory())
        .epochKeyStore(EpochKeyStore.inMemory())
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
    long build = System.nanoTime();
    SubmissionReceipt receipt = forms.submit(form, "conversation-42", CardForm.values());
    long submit = System.nanoTime();
    if (receipt.id() == null) {
      throw new IllegalStateException("no receipt");
    }
    System.out.println(String.format(Locale.ROOT, "cold: main=%d tink=%d build=%d submit=%d", main, tink, build,
        submit));
    forms.close();
  }
}
