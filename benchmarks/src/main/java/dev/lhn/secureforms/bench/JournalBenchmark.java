package dev.lhn.secureforms.bench;

import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.ClaimAction;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the journal costs (#11): submit + reveal round trips on PostgreSQL, 4 threads, through
 * {@link SecureForms} on the JDBC store, with the journal off (a store wrapper that drops the evidence, so
 * nothing but the journal differs), the journal on, and the journal plus the outbox on, in the same run.
 * With the journal on, a chainer thread seals the pending records every second (the scheduler does it
 * every 5 s), so its cost is inside the figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
public class JournalBenchmark {
  @Param({"off", "journal", "journal+outbox"})
  public String journal;

  @Param({"postgresql"})
  public String store;

  private BenchDataSource dataSource;
  private SecureForms forms;
  private ScheduledExecutorService chainer;
  private final Map<String, String> values = CardForm.values();
  private final Viewer viewer = Viewer.of("operator-7", "10.0.0.7", "benchmark");

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    dataSource = Databases.open(store, 4, "");
    Databases.dropAll(dataSource);
    JdbcSubmissionStore jdbc = JdbcSubmissionStore.builder(dataSource).tablePrefix(Databases.PREFIX).createSchema()
        .build();
    JdbcEpochKeyStore epochKeys = JdbcEpochKeyStore.builder(dataSource).tablePrefix(Databases.PREFIX).createSchema()
        .build();
    SubmissionStore submissions = journal.equals("off") ? new WithoutEvidence(jdbc) : jdbc;
    forms = SecureForms.builder()
        .keyEncryptionKey(CardForm.localKek())
        .store(submissions)
        .epochKeyStore(epochKeys)
        .outbox(journal.equals("journal+outbox"))
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
    roundTrip();
    if (!journal.equals("off")) {
      chainer = Executors.newSingleThreadScheduledExecutor();
      chainer.scheduleWithFixedDelay(forms::sealJournal, 1, 1, TimeUnit.SECONDS);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (chainer != null) {
      chainer.shutdown();
      chainer.awaitTermination(10, TimeUnit.SECONDS);
      forms.sealJournal();
      if (!forms.verifyJournal(null).ok()) {
        throw new IllegalStateException("the benchmark's journal does not verify: " + forms.verifyJournal(null));
      }
    }
    forms.close();
    Databases.dropAll(dataSource);
    dataSource.close();
  }

  @Benchmark
  public int roundTrip() {
    SubmissionReceipt receipt = forms.submit(CardForm.SCHEMA, "conversation-42", values);
    try (RevealedSubmission revealed = forms.reveal(receipt.id(), viewer).orElseThrow()) {
      return revealed.viewsLeft();
    }
  }

  /** The JDBC store with every evidence dropped: the same path without the journal's writes. */
  static final class WithoutEvidence implements SubmissionStore {
    private final SubmissionStore d;

    WithoutEvidence(SubmissionStore d) {
      this.d = d;
    }

    @Override
    public void insert(StoredSubmission s, Evidence e) {
      d.insert(s, Evidence.NONE);
    }

    @Override
    public java.util.Optional<Instant> insertUnlessEnded(StoredSubmission s, Evidence e, Instant now) {
      return d.insertUnlessEnded(s, Evidence.NONE, now);
    }

    @Override
    public PurgeBatch purgeDue(Instant now, int batchSize, Instant dueFrom, Function<PurgeBatch, Evidence> e) {
      return d.purgeDue(now, batchSize, dueFrom, b -> Evidence.NONE);
    }

    @Override
    public JournalStore journal() {
      return d.journal();
    }

    @Override
    public Outbox outbox() {
      return d.outbox();
    }

    @Override
    public Optional<StoredSubmission> find(SubmissionId id, Instant now) {
      return d.find(id, now);
    }

    @Override
    public <T> Optional<T> claim(SubmissionId id, Instant now, ClaimAction<T> action,
        Function<StoredSubmission, Evidence> evidence) {
      return d.claim(id, now, action, s -> Evidence.NONE);
    }

    @Override
    public List<StoredSubmission> findByConversation(String conversationId, Instant now) {
      return d.findByConversation(conversationId, now);
    }

    @Override
    public boolean replace(StoredSubmission r, long v, Evidence e) {
      return d.replace(r, v, Evidence.NONE);
    }

    @Override
    public Optional<SubmissionMetadata> delete(SubmissionId id, Function<SubmissionMetadata, Evidence> e) {
      return d.delete(id, m -> Evidence.NONE);
    }

    @Override
    public PurgeBatch purgeDue(Instant now, int batchSize, Function<PurgeBatch, Evidence> e) {
      return d.purgeDue(now, batchSize, b -> Evidence.NONE);
    }

    @Override
    public List<StoredSubmission> findFieldPurgeDue(Instant now, int limit) {
      return d.findFieldPurgeDue(now, limit);
    }

    @Override
    public Instant endConversation(String conversationId, Instant endedAt, Instant rememberUntil) {
      return d.endConversation(conversationId, endedAt, rememberUntil);
    }

    @Override
    public Optional<Instant> conversationEndedAt(String conversationId, Instant now) {
      return d.conversationEndedAt(conversationId, now);
    }

    @Override
    public int forgetEndedConversations(Instant now, int batchSize) {
      return d.forgetEndedConversations(now, batchSize);
    }
  }
}
