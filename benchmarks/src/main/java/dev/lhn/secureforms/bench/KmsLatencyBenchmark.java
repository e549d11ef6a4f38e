package dev.lhn.secureforms.bench;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a remote KMS costs once the key hierarchy is in place (#10): {@link SecureForms} round trips (submit
 * the card form, reveal it once) on the in-memory stores, 4 threads, with the local Tink KEK of the other
 * benchmarks ({@code floor}) and with the same KEK behind a decorator that sleeps 10 ms per call, a KMS a
 * network hop away ({@code lhnKms10ms}). After warm-up the epoch keys are cached, so the two should be
 * nearly equal: the target is a 10 ms KEK keeping at least 90% of the local KEK's round trips per second.
 * Both KEKs count their calls; each trial's tear-down prints its variant's calls per round trip (a line
 * starting with {@code kms:}), which docs/KEYS.md's call budget predicts to be about 0 (a call per epoch and instance).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
// Two forks: with one per variant the run measured a JIT outcome, not the KMS (docs/BENCHMARKS.md).
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 5)
public class KmsLatencyBenchmark {
  /** How long the slow KEK sleeps per call: a KMS in the same region, a network hop away. */
  static final long KMS_LATENCY_MILLIS = 10;

  /** A KEK decorator that counts its calls and, if told to, sleeps before each (a remote KMS). */
  static final class RemoteKek implements Aead {
    private final Aead delegate;
    private final long sleepMillis;
    final LongAdder calls = new LongAdder();

    RemoteKek(Aead delegate, long sleepMillis) {
      this.delegate = delegate;
      this.sleepMillis = sleepMillis;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
      call();
      return delegate.encrypt(plaintext, associatedData);
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
      call();
      return delegate.decrypt(ciphertext, associatedData);
    }

    private void call() throws GeneralSecurityException {
      calls.increment();
      if (sleepMillis > 0) {
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new GeneralSecurityException("interrupted");
        }
      }
    }
  }

  private final Map<String, String> values = CardForm.values();
  private final Viewer viewer = Viewer.of("operator-7");
  private RemoteKek localKek;
  private RemoteKek remoteKek;
  private SecureForms local;
  private SecureForms remote;
  private final LongAdder localRoundTrips = new LongAdder();
  private final LongAdder remoteRoundTrips = new LongAdder();

  @Setup(Level.Trial)
  public void setUp() {
    localKek = new RemoteKek(CardForm.localKek(), 0);
    remoteKek = new RemoteKek(CardForm.localKek(), KMS_LATENCY_MILLIS);
    local = forms(localKek);
    remote = forms(remoteKek);
    // one round trip each, so that a broken setup fails here and not as a silent zero
    kmsRoundTrip_floor();
    kmsRoundTrip_lhnKms10ms();
  }

  private static SecureForms forms(Aead kek) {
    return SecureForms.builder()
        .keyEncryptionKey(kek)
        // without the journal: the in-memory journal is bounded (fail closed when full) and this rate
        // fills it within seconds; the KEK calls, what this benchmark is about, are the same either way
        .store(new JournalBenchmark.WithoutEvidence(SubmissionStore.inMemory()))
        .epochKeyStore(EpochKeyStore.inMemory())
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    // each benchmark method is a trial of its own: report the variant this trial measured
    if (localRoundTrips.sum() > 1) {
      System.out.println(line("local KEK", localKek, localRoundTrips));
    }
    if (remoteRoundTrips.sum() > 1) {
      System.out.println(line(KMS_LATENCY_MILLIS + " ms KEK", remoteKek, remoteRoundTrips));
    }
    local.close();
    remote.close();
  }

  private static String line(String what, RemoteKek kek, LongAdder roundTrips) {
    long calls = kek.calls.sum();
    long trips = roundTrips.sum();
    return String.format(Locale.ROOT, "kms: %s: %d KEK calls over %,d round trips (warm-up included) = %.2e per"
        + " round trip; envelope v1 made 2", what, calls, trips, trips == 0 ? Double.NaN : (double) calls / trips);
  }

  @Benchmark
  public int kmsRoundTrip_floor() {
    localRoundTrips.increment();
    return roundTrip(local);
  }

  @Benchmark
  public int kmsRoundTrip_lhnKms10ms() {
    remoteRoundTrips.increment();
    return roundTrip(remote);
  }

  private int roundTrip(SecureForms forms) {
    SubmissionReceipt receipt = forms.submit(CardForm.SCHEMA, "conversation-42", values);
    try (RevealedSubmission revealed = forms.reveal(receipt.id(), viewer).orElseThrow()) {
      return revealed.viewsLeft();
    }
  }
}
