package dev.lhn.secureforms.bench;

import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.sealed.FormRequest;
import dev.lhn.secureforms.sealed.SealedPayload;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What browser sealing costs the server (#13), side by side in one run, on the in-memory stores with the
 * local Tink KEK: {@code submit_floor} is the card form's {@code submit} and one reveal (which purges it, so
 * memory stays flat); {@code submitSealed_lhn} is {@code requestForm}, the client's {@code SealedPayload.seal}
 * (the work the browser does), {@code submitSealed} and one reveal; {@code clientSeal_part} is the
 * {@code requestForm} and seal alone, to subtract. Server-side cost of sealing = submitSealed_lhn -
 * clientSeal_part - submit_floor. Run: {@code java -jar benchmarks/target/benchmarks.jar SealedSubmitBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 3)
public class SealedSubmitBenchmark {
  private final Map<String, String> values = CardForm.values();
  private final Viewer viewer = Viewer.of("operator-7");
  private SecureForms forms;

  @Setup
  public void setUp() {
    forms = SecureForms.builder()
        .keyEncryptionKey(CardForm.localKek())
        // without the journal, which is bounded in memory and would fill at this rate (fail closed)
        .store(new JournalBenchmark.WithoutEvidence(SubmissionStore.inMemory()))
        .formRequestStore(dev.lhn.secureforms.sealed.FormRequestStore.inMemory())
        .epochKeyStore(EpochKeyStore.inMemory())
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
    submit_floor();
    submitSealed_lhn();
  }

  @TearDown
  public void tearDown() {
    forms.close();
  }

  @Benchmark
  public int submit_floor() {
    return reveal(forms.submit(CardForm.SCHEMA, "conversation-42", values));
  }

  @Benchmark
  public int submitSealed_lhn() {
    FormRequest request = forms.requestForm(CardForm.SCHEMA, "conversation-42");
    String payload = SealedPayload.seal(request, values);
    return reveal(forms.submitSealed(CardForm.SCHEMA, "conversation-42", payload));
  }

  @Benchmark
  public int clientSeal_part() {
    FormRequest request = forms.requestForm(CardForm.SCHEMA, "conversation-42");
    return SealedPayload.seal(request, values).length();
  }

  private int reveal(SubmissionReceipt receipt) {
    try (RevealedSubmission r = forms.reveal(receipt.id(), viewer).orElseThrow()) {
      return r.viewsLeft();
    }
  }
}
