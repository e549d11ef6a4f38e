package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.internal.Sealing;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.RevealPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A second JVM ({@link RevealWorker}, four threads, a cold epoch key cache every 10 reveals) reveals 120
 * submissions in a loop while this JVM walks its clock through their 12 epochs (1-minute windows, no grace)
 * and runs the purge at each epoch's end: it purges the due card codes and rows and destroys the epoch keys.
 *
 * <p>The epoch keys are on a pool of their own in both JVMs, as docs/KEYS.md asks (a data source of their
 * own): a reveal with a cold cache reads an epoch key while its claim holds a submissions connection.
 *
 * <p>Time, deterministically: the worker's clock stands still before every deadline, so to it every
 * submission is live and every epoch key should exist; this JVM's clock is at the end of the epoch it
 * destroys. That is clock skew far beyond the grace period, which docs/KEYS.md tells operators to avoid:
 * the guarantee tested is the one that must hold anyway. Every reveal either gives the full, correct values
 * the row still holds (the card number, and the card code unless it was purged from the row), or nothing,
 * or a typed {@code SecureFormsException}: never a wrong value, never a card code silently missing from a
 * row that still holds it. This JVM waits for 40 more reveals after each step, so every step is raced.
 */
class EpochDestructionRaceTest {
  /** 30 s into a minute, so that every deadline sits inside its 1-minute window. */
  private static final Instant T0 = Instant.parse("2031-03-14T09:00:30Z");
  private static final int FORMS = 6;
  private static final int PER_FORM = 20;

  @TempDir
  Path dir;

  /** Form k: the card code lives 2k-1 minutes, the submission 2k minutes: 2 epochs each, 12 in all. */
  private static FormSchema form(int k) {
    return FormSchema.builder("card-" + k)
        .field(Field.cardNumber("pan"))
        .field(Field.cardCvc("cvc").retention(RetentionPolicy.maxAge(Duration.ofMinutes(2L * k - 1))))
        .retention(RetentionPolicy.maxAge(Duration.ofMinutes(2L * k)))
        .revealPolicy(RevealPolicy.views(100))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
  void reveal_racingEpochDestruction_acrossTwoJvms(TestDatabase db) throws Exception {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("edr");
    AeadConfig.register();
    KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    Aead kek = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
    Path keysetFile = Files.writeString(dir.resolve("kek.json"),
        TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    Jvm worker = null;
    try (TestPool pool = new TestPool(raw, 4); TestPool keyPool = new TestPool(raw, 4)) {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).createSchema().build();
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(keyPool).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(keys)
          .epochWindow(Duration.ofMinutes(1)).epochGrace(Duration.ZERO).clock(() -> now.get())
          .retentionScheduler(RetentionScheduler.disabled()).build()) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (int k = 1; k <= FORMS; k++) {
          FormSchema f = form(k);
          for (int j = 0; j < PER_FORM; j++, i++) {
            SubmissionId id = forms.submit(f, "conv-" + (i % 9), Map.of("pan", ShredRows.pan(i), "cvc", ShredRows.cvc(i))).id();
            lines.add(id + " " + i);
          }
        }
        assertEquals(2 * FORMS, ShredRows.epochWindows(raw, keys, Sealing.DATA).size(), "12 epochs");
        Path ids = Files.write(dir.resolve("ids.txt"), lines);

        worker = Jvm.start("revealer", RevealWorker.class, Map.of("LSF_WORKER_URL", db.url()), prefix,
            ids.toString(), keysetFile.toString(), "4", String.valueOf(T0.toEpochMilli()), "1");
        worker.await("READY", 60);
        worker.send("GO");
        worker.send("STEP 0");
        worker.await("ACK 0", 30);
        long start = System.nanoTime();
        Instant firstWindow = T0.minusSeconds(30);
        for (int step = 1; step <= 2 * FORMS; step++) {
          // The end of the step-th epoch: its card codes (odd steps) or rows (even steps) are due, its key goes.
          now.set(firstWindow.plus(Duration.ofMinutes(step + 1)));
          forms.purgeDue();
          assertEquals(2 * FORMS - step, ShredRows.epochWindows(raw, keys, Sealing.DATA).size(), "after step " + step);
          worker.send("STEP " + step);
          worker.await("ACK " + step, 30);
        }
        worker.send("STOP");
        String done = worker.await("DONE", 60);
        assertEquals(0, worker.waitFor(30), "worker exit code; output " + worker.transcript());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[%s] %d epochs destroyed under a racing second JVM in %,d ms: %s%n", db, 2 * FORMS, millis,
            done);

        assertTrue(done.contains(" violations=[] "), done);
        assertTrue(done.endsWith(" pool=[][]"), done);
        assertTrue(count(done, "full") > 0, "some reveals came before the card codes went: " + done);
        assertTrue(count(done, "empty") > 0, "some came after the rows went: " + done);
        assertEquals(List.of(), ShredRows.epochWindows(raw, keys, Sealing.DATA), "every data key destroyed");
        forms.purgeDue(); // a row the worker held locked during the last purge was skipped, left for this one
        assertEquals(0, BulkRows.ids(db, store.tableName()).size(), "every row purged");
      }
    } finally {
      if (worker != null) {
        worker.close();
      }
      TestDatabase.dropTables(raw, prefix);
    }
  }

  private static long count(String done, String key) {
    Matcher m = Pattern.compile(" " + key + "=(\\d+)").matcher(done);
    assertTrue(m.find(), key + " in " + done);
    return Long.parseLong(m.group(1));
  }
}
