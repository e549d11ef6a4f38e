package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.testing.Canaries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures injected under the store (on H2): every SQLException becomes a StoreException that names the
 * operation and keeps the SQL state but never the driver's message nor the exception; and a method that
 * throws has changed nothing.
 */
class JdbcFailureTest {
  private static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  private DataSource h2;
  private String prefix;
  private FaultyDataSource faulty;
  private JdbcSubmissionStore store;

  @BeforeEach
  void setUp() {
    h2 = TestDatabase.H2.require();
    prefix = TestDatabase.uniquePrefix("fail");
    faulty = new FaultyDataSource(h2);
    store = JdbcSubmissionStore.builder(faulty).tablePrefix(prefix).createSchema().build();
  }

  @AfterEach
  void tearDown() {
    TestDatabase.dropTables(h2, prefix);
  }

  @Test
  void everyOperation_translatesTheFailure_withoutTheDriversMessage() {
    StoredSubmission s = submission(1);
    store.insert(s);
    SubmissionId id = s.metadata().id();
    StoredSubmission fresh = submission(1);
    faulty.failStatement = sql -> true;
    Map<String, Runnable> operations = new LinkedHashMap<>();
    operations.put("insert of submission " + fresh.metadata().id(), () -> store.insert(fresh));
    operations.put("find of submission " + id, () -> store.find(id, T0));
    operations.put("claim of submission " + id, () -> store.claim(id, T0, c -> 1));
    operations.put("lookup of a conversation's submissions", () -> store.findByConversation("conv", T0));
    operations.put("replace of submission " + id, () -> store.replace(s.withMetadata(s.metadata().withVersion(1)), 0));
    operations.put("delete of submission " + id, () -> store.delete(id));
    operations.put("purge of due submissions", () -> store.purgeDue(T0, 10).purged());
    operations.put("lookup of submissions with fields due", () -> store.findFieldPurgeDue(T0, 10));
    for (Map.Entry<String, Runnable> op : operations.entrySet()) {
      StoreException e = assertThrows(StoreException.class, op.getValue()::run, op.getKey());
      assertEquals(op.getKey() + " failed: database error 1406 (SQL state 22001)", e.getMessage());
      assertEquals("22001", e.sqlState());
      assertNull(e.getCause(), "no cause: the driver's exception carries its message");
      assertEquals(0, e.getSuppressed().length);
    }
    faulty.heal();
    assertEquals(Optional.of(s), store.find(id, T0), "nothing changed");
    assertEquals(Optional.empty(), store.find(fresh.metadata().id(), T0), "nothing inserted");
  }

  @Test
  void noConnection_isAStoreException_withoutTheDriversMessage() {
    faulty.failConnect = true;
    SubmissionId id = submission(1).metadata().id();
    StoreException e = assertThrows(StoreException.class, () -> store.find(id, T0));
    assertEquals("find of submission " + id + " failed: no connection from the data source (SQL state 28P01)",
        e.getMessage());
    assertNull(e.getCause());
  }

  @Test
  void claim_countDownFailsAfterTheAction_changesNothing() {
    StoredSubmission s = submission(3);
    store.insert(s);
    faulty.failStatement = sql -> sql.startsWith("UPDATE");
    AtomicInteger runs = new AtomicInteger();
    assertThrows(StoreException.class, () -> store.claim(s.metadata().id(), T0, c -> runs.incrementAndGet()));
    assertEquals(1, runs.get(), "the action ran before the update failed");
    faulty.heal();
    assertEquals(Optional.of(s), store.find(s.metadata().id(), T0), "views and version as they were");
  }

  @Test
  void claim_commitFails_changesNothing() {
    StoredSubmission s = submission(1);
    store.insert(s);
    faulty.failCommit = true;
    StoreException e = assertThrows(StoreException.class,
        () -> store.claim(s.metadata().id(), T0, c -> 1, c -> viewRecord(c)));
    assertEquals("claim of submission " + s.metadata().id() + " failed: database error 1406 (SQL state 22001)",
        e.getMessage());
    faulty.heal();
    assertEquals(Optional.of(s), store.find(s.metadata().id(), T0), "the last view was rolled back");
  }

  @Test
  void claim_actionThrows_changesNothing_andNoTransactionWasOpen() {
    StoredSubmission s = submission(1);
    store.insert(s);
    faulty.autoCommitAtClose.clear();
    IllegalStateException thrown = new IllegalStateException("decryption failed");
    assertSame(thrown, assertThrows(IllegalStateException.class, () -> store.claim(s.metadata().id(), T0, c -> {
      throw thrown;
    })));
    assertEquals(List.of(true), faulty.autoCommitAtClose, "only the read ran: no lock is held over the action");
    assertEquals(Optional.of(s), store.find(s.metadata().id(), T0));
  }

  @Test
  void purge_deleteFailsAfterLocking_purgesNothing() {
    for (int i = 0; i < 5; i++) {
      store.insert(submission(1, T0.plusSeconds(i)));
    }
    faulty.failStatement = sql -> sql.startsWith("DELETE FROM " + prefix + "submissions WHERE id IN");
    assertThrows(StoreException.class, () -> store.purgeDue(T0.plusSeconds(10), 100).purged());
    faulty.heal();
    assertEquals(5, store.purgeDue(T0.plusSeconds(10), 100).size(), "all five were still there");
  }

  @Test
  void autoCommit_isRestoredAfterEveryTransaction() {
    StoredSubmission a = submission(2);
    store.insert(a);
    faulty.autoCommitAtClose.clear();
    store.claim(a.metadata().id(), T0, c -> 1);
    assertThrows(IllegalStateException.class, () -> store.claim(a.metadata().id(), T0, c -> {
      throw new IllegalStateException("the action failed");
    }));
    store.claim(a.metadata().id(), T0, c -> 1, c -> viewRecord(c));
    store.purgeDue(T0.plus(Duration.ofDays(2)), 10).purged();
    // a claim reads in auto-commit, then takes its view: one statement, or a transaction with evidence
    assertEquals(List.of(true, true, true, true, true, true), faulty.autoCommitAtClose);
  }

  @Test
  void claim_rollbackFails_afterTheEvidenceFailed_neverCommits() {
    StoredSubmission s = submission(1);
    store.insert(s);
    faulty.autoCommitAtClose.clear();
    faulty.failRollback = true;
    faulty.failStatement = sql -> sql.startsWith("INSERT INTO " + prefix + "journal ");
    String logged = stderrOf(() -> assertThrows(StoreException.class,
        () -> store.claim(s.metadata().id(), T0, c -> 1, c -> viewRecord(c))));
    assertEquals(List.of(true, false), faulty.autoCommitAtClose,
        "auto-commit stays off when the rollback failed, so nothing commits the deleted row");
    assertTrue(logged.contains("rollback failed (SQL state 22001)"), logged);
    assertEquals(List.of(), driverQuotedValues(s).leaksIn(logged), logged);
    faulty.heal();
    assertEquals(Optional.of(s), store.find(s.metadata().id(), T0), "closing the connection rolled back");
  }

  private static Evidence viewRecord(StoredSubmission claimed) {
    return new Evidence(List.of(JournalRecord.of(JournalEvent.REVEALED, T0)
        .withData(claimed.metadata().id(), claimed.metadata().formId(), claimed.metadata().schemaVersion(), null)),
        List.of());
  }

  /**
   * What the failing driver's messages quote and what the store stored: the driver's card number and
   * password, the hex of every byte array bound so far (ids and envelopes, as the driver quotes them) and
   * the stored envelope as hex or base64. Matched by {@link Canaries}, so a short value never fires on a
   * hash or id that happens to contain it (#9).
   */
  private Canaries driverQuotedValues(StoredSubmission stored) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("driver's card number", FaultyDataSource.CARD_NUMBER);
    values.put("driver's password", FaultyDataSource.PASSWORD);
    List<byte[]> bound = List.copyOf(faulty.boundBytes);
    assertTrue(bound.stream().anyMatch(b -> Arrays.equals(b, stored.envelope())), "the insert bound the envelope");
    for (int i = 0; i < bound.size(); i++) {
      values.put("bytes bound #" + i, HexFormat.of().formatHex(bound.get(i)));
    }
    byte[] envelope = stored.envelope();
    values.put("envelope (HEX)", HexFormat.of().withUpperCase().formatHex(envelope));
    values.put("envelope (base64)", Base64.getEncoder().withoutPadding().encodeToString(envelope));
    values.put("envelope (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(envelope));
    return new Canaries(values);
  }

  private static String stderrOf(Runnable r) {
    PrintStream original = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static StoredSubmission submission(int views) {
    return submission(views, T0.plus(Duration.ofDays(1)));
  }

  private static StoredSubmission submission(int views, Instant purgeAt) {
    byte[] envelope = new byte[64];
    RANDOM.nextBytes(envelope);
    return new StoredSubmission(new SubmissionMetadata(SubmissionId.random(RANDOM), "card-payment", 1, "conv", T0, 0,
        views, views, null, T0.plus(Duration.ofDays(1)), purgeAt, null, null, Map.of(), Map.of("pan", "****4242")),
        envelope);
  }
}
