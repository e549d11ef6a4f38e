package dev.lhn.secureforms.jdbc;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SecureFormsException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionStatus;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.retention.RetentionScheduler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A second JVM that reveals submissions in a loop while another JVM destroys their epochs
 * ({@link EpochDestructionRaceTest}): {@code RevealWorker <tablePrefix> <idsFile> <keysetFile> <threads>
 * <nowMillis> <windowMinutes>}, the JDBC URL in {@code LSF_WORKER_URL}. Its clock stands still at
 * {@code nowMillis}, before every deadline: to this instance every submission is live, whatever the other
 * JVM destroys. Each thread builds a fresh {@code SecureForms} (cold epoch key cache) every 10 reveals.
 *
 * <p>Prints READY, waits for GO, then reveals until STOP; answers {@code STEP j} with {@code ACK j} once at
 * least 40 more reveals were made. Ends with {@code DONE full=.. withoutCvc=.. empty=.. typed={..}
 * violations=[..]}: a violation is a wrong value, a field that is neither the card number nor the card code,
 * a card code missing while the row still holds it (a partial reveal), or an untyped exception. No value is
 * ever printed.
 */
public final class RevealWorker {
  private RevealWorker() {}

  public static void main(String[] args) throws Exception {
    String prefix = args[0];
    Map<SubmissionId, Integer> index = new ConcurrentHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] p = line.strip().split(" ");
      index.put(SubmissionId.parse(p[0]), Integer.parseInt(p[1]));
    }
    AeadConfig.register();
    Aead kek = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(Path.of(args[2])), InsecureSecretKeyAccess.get())
        .getPrimitive(RegistryConfiguration.get(), Aead.class);
    int threads = Integer.parseInt(args[3]);
    Instant now = Instant.ofEpochMilli(Long.parseLong(args[4]));
    Duration window = Duration.ofMinutes(Long.parseLong(args[5]));
    // Two pools, as docs/KEYS.md asks for two data sources: a cold-cache reveal reads epoch keys while its
    // claim holds a submissions connection, so one shared pool of n connections deadlocks n such reveals.
    TestDatabase.UrlDataSource url = new TestDatabase.UrlDataSource(System.getenv("LSF_WORKER_URL"));
    try (TestPool pool = new TestPool(url, threads); TestPool keyPool = new TestPool(url, threads)) {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(pool).tablePrefix(prefix).build();
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(keyPool).tablePrefix(prefix).build();
      java.util.function.Supplier<SecureForms> instance = () -> SecureForms.builder().keyEncryptionKey(kek)
          .store(store).epochKeyStore(keys).epochWindow(window).epochGrace(Duration.ZERO).clock(() -> now)
          .retentionScheduler(RetentionScheduler.disabled()).build();
      try (SecureForms warm = instance.get()) {
        warm.status(index.keySet().iterator().next()); // connections, classes and the lookup key
      }
      System.out.println("READY " + ProcessHandle.current().pid());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"GO".equals(in.readLine())) {
        System.out.println("ERROR no GO");
        System.exit(3);
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong attempts = new AtomicLong();
      AtomicLong full = new AtomicLong();
      AtomicLong withoutCvc = new AtomicLong();
      AtomicLong empty = new AtomicLong();
      Map<String, AtomicLong> typed = new ConcurrentHashMap<>();
      List<String> violations = new CopyOnWriteArrayList<>();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = ProcessHandle.current().pid() * 31 + t;
        Thread w = new Thread(() -> {
          Random random = new Random(seed);
          List<SubmissionId> order = new ArrayList<>(index.keySet());
          while (!stop.get()) {
            Collections.shuffle(order, random);
            for (int from = 0; from < order.size() && !stop.get(); from += 10) {
              try (SecureForms forms = instance.get()) {
                for (SubmissionId id : order.subList(from, Math.min(order.size(), from + 10))) {
                  attempts.incrementAndGet();
                  int i = index.get(id);
                  try {
                    Optional<RevealedSubmission> r = forms.reveal(id, Viewer.of("op-race"));
                    if (r.isEmpty()) {
                      empty.incrementAndGet();
                      continue;
                    }
                    try (RevealedSubmission s = r.get()) {
                      if (!Set.of("pan", "cvc").containsAll(s.fieldNames()) || !s.has("pan")) {
                        violations.add("fields " + s.fieldNames() + " of " + id);
                      } else if (!ShredRows.pan(i).equals(s.value("pan"))) {
                        violations.add("a wrong card number for " + id);
                      } else if (s.has("cvc")) {
                        if (ShredRows.cvc(i).equals(s.value("cvc"))) {
                          full.incrementAndGet();
                        } else {
                          violations.add("a wrong card code for " + id);
                        }
                      } else {
                        // Legitimate only if the card code was purged from the row (which is final).
                        Optional<SubmissionStatus> st = forms.status(id);
                        if (st.isPresent() && st.get().preview().containsKey("cvc")) {
                          violations.add("a partial reveal of " + id + ": no card code, which its row still holds");
                        } else {
                          withoutCvc.incrementAndGet();
                        }
                      }
                    }
                  } catch (SecureFormsException e) {
                    String what = e.getClass().getSimpleName() + ": "
                        + String.valueOf(e.getMessage()).replace(id.toString(), "<id>");
                    typed.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
                  } catch (RuntimeException e) {
                    violations.add("untyped " + e.getClass().getName() + " for " + id);
                  }
                }
              } catch (RuntimeException e) {
                violations.add("instance failed: " + e);
              }
            }
          }
        }, "revealer-" + t);
        w.start();
        workers.add(w);
      }
      String line;
      while ((line = in.readLine()) != null && !line.equals("STOP")) {
        if (line.startsWith("STEP ")) {
          long target = attempts.get() + 40;
          long deadline = System.nanoTime() + 20_000_000_000L;
          while (attempts.get() < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          System.out.println("ACK " + line.substring(5) + " " + attempts.get());
        }
      }
      stop.set(true);
      for (Thread w : workers) {
        w.join();
      }
      Map<String, Long> t = new TreeMap<>();
      typed.forEach((k, v) -> t.put(k, v.get()));
      System.out.println("DONE attempts=" + attempts.get() + " full=" + full.get() + " withoutCvc=" + withoutCvc.get()
          + " empty=" + empty.get() + " typed=" + t + " violations=" + violations + " pool=" + pool.violations() + keyPool.violations());
    } catch (Throwable t) {
      System.out.println("ERROR " + t);
      System.exit(2);
    }
    System.exit(0);
  }
}
