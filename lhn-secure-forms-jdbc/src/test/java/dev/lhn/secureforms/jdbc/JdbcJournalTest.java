package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.RevealDeniedException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.journal.Checkpoint;
import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.journal.JournalVerification;
import dev.lhn.secureforms.journal.Outcome;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.testing.Canaries;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal on the real databases: records written in the change's transaction (a reveal whose record
 * fails reveals nothing and consumes nothing), the chain and its verifier (library and CLI) against rows
 * edited, deleted, inserted, reordered or truncated in the database, the outbox, and canaries.
 */
class JdbcJournalTest {
  private static final Canaries CANARIES = new Canaries(Map.of("name", "Canary Zebulon Quixote-Pemberton",
      "email", "canary.f00d.cafe@zzz-canary.example"));

  @TempDir
  Path dir;
  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private DataSource raw;
  private String prefix;
  private final List<SecureForms> opened = new ArrayList<>();

  private Aead kek;
  private String kekJson;
  private JdbcSubmissionStore store;
  private FaultyDataSource faulty;

  private SecureForms open(TestDatabase db) throws Exception {
    AeadConfig.register();
    KeysetHandle h = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    kekJson = TinkJsonProtoKeysetFormat.serializeKeyset(h, InsecureSecretKeyAccess.get());
    kek = h.getPrimitive(RegistryConfiguration.get(), Aead.class);
    raw = db.require();
    prefix = TestDatabase.uniquePrefix("jrn");
    faulty = new FaultyDataSource(raw);
    store = JdbcSubmissionStore.builder(faulty).tablePrefix(prefix).createSchema().build();
    SecureForms f = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(EpochKeyStore.inMemory())
        .clock(clock).outbox(true).retentionScheduler(RetentionScheduler.disabled()).build();
    opened.add(f);
    return f;
  }

  @AfterEach
  void tearDown() {
    opened.forEach(SecureForms::close);
    if (raw != null) {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  private Map<String, String> values() {
    Map<String, String> v = Forms.cardValues();
    v.put("name", "Canary Zebulon Quixote-Pemberton");
    v.put("email", "canary.f00d.cafe@zzz-canary.example");
    return v;
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      s.executeUpdate(statement);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void reveal_journalWriteFails_revealsNothing_viewIntact_laterRevealWorks(TestDatabase db) throws Exception {
    SecureForms forms = open(db);
    SubmissionReceipt r = forms.submit(Forms.card(), "conv-1", values());
    faulty.failStatement = s -> s.contains("INSERT INTO " + prefix + "journal ");
    assertThrows(StoreException.class, () -> forms.reveal(r.id(), Viewer.of("op-7")));
    faulty.failStatement = s -> false;
    assertEquals(1, forms.status(r.id()).orElseThrow().viewsLeft(), "the view is intact");
    assertEquals(List.of(JournalEvent.SUBMITTED), events(forms.history(r.id())), "no record of a view that did not happen");
    try (RevealedSubmission s = forms.reveal(r.id(), Viewer.of("op-7", "10.0.0.7", "refund #42")).orElseThrow()) {
      assertTrue(s.has("pan"));
    }
    List<JournalRecord> h = forms.history(r.id());
    assertEquals(List.of(JournalEvent.SUBMITTED, JournalEvent.REVEALED, JournalEvent.PURGED), events(h));
    assertEquals("op-7", h.get(1).operatorId());
    assertEquals("10.0.0.7", h.get(1).origin());
    assertEquals("refund #42", h.get(1).reason());
    assertTrue(h.get(1).conversationRef().startsWith("c1."), "the reference, never the host's id");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void reveal_journalConstraintRefusesTheRecord_revealsNothing_laterRevealWorks(TestDatabase db) throws Exception {
    SecureForms forms = open(db);
    SubmissionReceipt r = forms.submit(Forms.card(), "conv-1", values());
    sql("ALTER TABLE " + prefix + "journal ADD CONSTRAINT " + prefix + "no_reveal CHECK (event <> 'REVEALED')");
    StoreException e = assertThrows(StoreException.class, () -> forms.reveal(r.id(), Viewer.of("op-7")));
    assertTrue(e.getMessage().startsWith("claim of submission " + r.id() + " failed"), e.getMessage());
    assertEquals(1, forms.status(r.id()).orElseThrow().viewsLeft());
    sql("ALTER TABLE " + prefix + "journal DROP CONSTRAINT " + prefix + "no_reveal");
    forms.reveal(r.id(), Viewer.of("op-7")).orElseThrow().close();
    assertEquals(List.of(JournalEvent.SUBMITTED, JournalEvent.REVEAL_FAILED, JournalEvent.REVEALED,
        JournalEvent.PURGED), events(forms.history(r.id())));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void reveal_formRequiresAReason_deniedWithoutOne_andRecorded(TestDatabase db) throws Exception {
    open(db);
    SecureForms forms = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(EpochKeyStore.inMemory())
        .clock(clock).requireReasonFor("card-payment").retentionScheduler(RetentionScheduler.disabled()).build();
    opened.add(forms);
    SubmissionReceipt r = forms.submit(Forms.card(), "conv-1", values());
    RevealDeniedException e = assertThrows(RevealDeniedException.class, () -> forms.reveal(r.id(), Viewer.of("op-7")));
    assertTrue(e.getMessage().contains("requires a reason for access"), e.getMessage());
    assertEquals(1, forms.status(r.id()).orElseThrow().viewsLeft());
    JournalRecord denied = forms.history(r.id()).get(1);
    assertEquals(JournalEvent.REVEAL_DENIED, denied.event());
    assertEquals(Outcome.DENIED, denied.outcome());
    forms.reveal(r.id(), Viewer.of("op-7").withReason("chargeback 19")).orElseThrow().close();
  }

  /**
   * Nine chained records: the lookup key and the epoch key created, then submit, reveal, purge of the
   * first submission; submit, reveal, purge of the second; submit.
   */
  private SecureForms chained(TestDatabase db) throws Exception {
    SecureForms forms = open(db);
    for (int i = 0; i < 2; i++) {
      SubmissionReceipt r = forms.submit(Forms.card(), "conv-" + i, values());
      clock.advance(Duration.ofSeconds(1));
      forms.reveal(r.id(), Viewer.of("op-" + i)).orElseThrow().close();
      clock.advance(Duration.ofSeconds(1));
    }
    forms.submit(Forms.card(), "conv-9", values());
    assertEquals(9, forms.sealJournal());
    JournalVerification ok = forms.verifyJournal(null);
    assertTrue(ok.ok(), ok.toString());
    assertEquals(9, ok.verified());
    assertEquals(0, ok.pending());
    return forms;
  }

  private int cli(Checkpoint anchored, String... more) throws Exception {
    Path keyset = dir.resolve("kek.json");
    Files.writeString(keyset, kekJson);
    List<String> args = new ArrayList<>(List.of("--url", db.url(), "--prefix", prefix, "--kek-keyset", keyset.toString()));
    if (anchored != null) {
      args.addAll(List.of("--checkpoint", anchored.export()));
    }
    args.addAll(List.of(more));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = JournalVerifierCli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    cliOut = out.toString(StandardCharsets.UTF_8);
    return code;
  }

  private TestDatabase db;
  private String cliOut;

  private void assertBadAt(SecureForms forms, Checkpoint anchored, long position, String problem) throws Exception {
    JournalVerification v = forms.verifyJournal(anchored);
    assertFalse(v.ok(), v.toString());
    assertEquals(position, v.firstBadPosition(), v.toString());
    assertTrue(v.problem().contains(problem), v.problem());
    assertEquals(JournalVerifierCli.BAD, cli(anchored), cliOut);
    assertTrue(cliOut.contains("BAD at record " + position), cliOut);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_untouched_ok_andTheCliExitsZero(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    assertEquals(JournalVerifierCli.OK, cli(forms.journalCheckpoint()), cliOut);
    assertTrue(cliOut.contains("journal OK: 9 chained records verified"), cliOut);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_editedRecord_namesIt(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    sql("UPDATE " + prefix + "journal SET operator_id = 'op-innocent' WHERE chain_position = 5");
    assertBadAt(forms, null, 5, "MAC does not match");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_deletedRecord_namesIt(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    sql("DELETE FROM " + prefix + "journal WHERE chain_position = 2");
    assertBadAt(forms, null, 2, "missing");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_insertedRecord_namesIt(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    // a copy of record 3 slipped in at position 4, the rest moved up, the head advanced
    sql("UPDATE " + prefix + "journal SET chain_position = chain_position + 1 WHERE chain_position >= 4");
    sql("INSERT INTO " + prefix + "journal (id, chain_position, mac, event, at_ms, outcome, operator_id, origin, reason,"
        + " submission_id, form_id, form_version, field, conversation_ref, detail) SELECT 'a1f0c7e2-0000-4000-8000-"
        + "000000000001', 4, mac, event, at_ms, outcome, operator_id, origin, reason, submission_id, form_id,"
        + " form_version, field, conversation_ref, detail FROM " + prefix + "journal WHERE chain_position = 3");
    sql("UPDATE " + prefix + "journal_chain SET chain_count = 8");
    assertBadAt(forms, null, 4, "MAC does not match");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_reorderedRecords_namesTheFirst(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    sql("UPDATE " + prefix + "journal SET chain_position = 100 WHERE chain_position = 3");
    sql("UPDATE " + prefix + "journal SET chain_position = 3 WHERE chain_position = 4");
    sql("UPDATE " + prefix + "journal SET chain_position = 4 WHERE chain_position = 100");
    assertBadAt(forms, null, 3, "MAC does not match");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_truncatedTail_withTheHeadRewound_caughtByTheAnchoredCheckpoint(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    Checkpoint anchored = forms.journalCheckpoint();
    assertEquals(9, anchored.count());
    // the attacker drops the last two records and rewinds the head to record 5's MAC
    sql("DELETE FROM " + prefix + "journal WHERE chain_position > 5");
    try (Connection c = raw.getConnection()) {
      c.setAutoCommit(true);
      try (var ps = c.prepareStatement("UPDATE " + prefix + "journal_chain SET chain_count = 5, head = (SELECT mac FROM "
          + prefix + "journal WHERE chain_position = 5)")) {
        ps.executeUpdate();
      } catch (SQLException mariaDbRefusesTheSubquery) {
        byte[] mac;
        try (var q = c.prepareStatement("SELECT mac FROM " + prefix + "journal WHERE chain_position = 5");
            var rs = q.executeQuery()) {
          rs.next();
          mac = rs.getBytes(1);
        }
        try (var ps = c.prepareStatement("UPDATE " + prefix + "journal_chain SET chain_count = 5, head = ?")) {
          ps.setBytes(1, mac);
          ps.executeUpdate();
        }
      }
    }
    assertTrue(forms.verifyJournal(null).ok(), "without an anchor a clean cut is invisible: why anchoring matters");
    assertBadAt(forms, anchored, 6, "truncated tail");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void verify_truncatedTail_headLeftAlone_namesIt(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    sql("DELETE FROM " + prefix + "journal WHERE chain_position = 9");
    assertBadAt(forms, null, 9, "truncated tail");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void outbox_drainsEveryEvent_inOrder_metadataOnly_andJournalHasNoCanary(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    List<OutboxMessage> got = new ArrayList<>();
    assertEquals(9, store.outbox().drain(100, got::addAll));
    assertEquals(0, store.outbox().drain(100, got::addAll));
    assertEquals(List.of("key.epoch_key_created", "key.epoch_key_created", "submission.submitted", "submission.revealed", "submission.purged", "submission.submitted",
        "submission.revealed", "submission.purged", "submission.submitted"), got.stream().map(OutboxMessage::type).toList());
    for (OutboxMessage m : got) {
      assertEquals(m.type().startsWith("key.") ? "key" : "submission", m.aggregateType());
      assertEquals(List.of(), CANARIES.leaksIn(m.payload() + m.aggregateId() + m), m.payload());
      assertFalse(m.payload().contains("conv-"), "no raw conversation id: " + m.payload());
    }
    for (var r : store.journal().read(0, 100)) {
      assertEquals(List.of(), CANARIES.leaksIn(r.record().toJson() + r.record()), r.record().toJson());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void outbox_sinkFails_messagesStay(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = open(database);
    forms.submit(Forms.card(), "conv-1", values());
    assertThrows(StoreException.class, () -> store.outbox().drain(10, b -> {
      throw new IllegalStateException("receiver down");
    }));
    assertEquals(3, store.outbox().drain(10, b -> { }), "two key records and the submit, all still there");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void retention_purgesOldChainedRecords_restStaysVerifiable(TestDatabase database) throws Exception {
    db = database;
    SecureForms forms = chained(database);
    clock.advance(Duration.ofDays(401));
    forms.submit(Forms.card(), "conv-late", values());
    forms.purgeDue(); // purges the late-unrevealed submissions too (24 h max age), then journal retention
    forms.sealJournal();
    JournalVerification v = forms.verifyJournal(null);
    assertTrue(v.ok(), v.toString());
    assertTrue(store.journal().read(0, 100).stream().allMatch(r -> r.position() > 9), "the old records are gone");
    assertEquals(JournalVerifierCli.OK, cli(null), cliOut);
  }

  private static List<JournalEvent> events(List<JournalRecord> records) {
    return records.stream().map(JournalRecord::event).toList();
  }
}
