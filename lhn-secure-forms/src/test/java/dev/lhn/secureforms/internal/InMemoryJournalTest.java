package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.StoreFullException;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.journal.Checkpoint;
import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.journal.JournalVerification;
import dev.lhn.secureforms.journal.Outcome;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.StoredRecord;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory store's journal: fail closed when it is full, and the chain's verifier against tampering. */
class InMemoryJournalTest {
  private final ManualClock clock = ManualClock.at("2026-12-01T10:00:00Z");
  private final InMemoryJournal journal = new InMemoryJournal(1000);
  private final InMemorySubmissionStore store = new InMemorySubmissionStore(100, journal);
  private final SecureForms forms = SecureForms.builder().keyEncryptionKey(TestKeys.freshKek()).store(store)
      .epochKeyStore(EpochKeyStore.inMemory()).clock(clock).outbox(true)
      .retentionScheduler(RetentionScheduler.disabled()).build();

  @AfterEach
  void close() {
    forms.close();
  }

  @Test
  void reveal_journalFull_revealsNothing_viewIntact_laterRevealWorks() {
    SubmissionReceipt r = forms.submit(Forms.card(), "conv-1", Forms.cardValues());
    int kept = journal.rowsForTest().size();
    journal.limitForTest(kept + 1); // the view's two records (revealed, purged) do not fit
    assertThrows(StoreFullException.class, () -> forms.reveal(r.id(), Viewer.of("op-7")));
    assertEquals(1, forms.status(r.id()).orElseThrow().viewsLeft(), "the view is intact");
    journal.limitForTest(1000);
    forms.reveal(r.id(), Viewer.of("op-7")).orElseThrow().close();
    List<JournalEvent> events = forms.history(r.id()).stream().map(JournalRecord::event).toList();
    assertEquals(List.of(JournalEvent.SUBMITTED, JournalEvent.REVEAL_FAILED, JournalEvent.REVEALED, JournalEvent.PURGED),
        events);
  }

  @Test
  void submit_journalFull_storesNothing() {
    journal.limitForTest(journal.rowsForTest().size() + 2); // room for the two key records only
    assertThrows(StoreFullException.class, () -> forms.submit(Forms.card(), "conv-1", Forms.cardValues()));
    assertEquals("InMemorySubmissionStore[0/100]", store.toString(), "no submission without its record");
    assertTrue(journal.rowsForTest().stream().noneMatch(r -> r.record().event() == JournalEvent.SUBMITTED));
  }

  @Test
  void recordConfiguration_andKekRotation_areJournaled() {
    forms.recordConfiguration(Outcome.SUCCESS, "pci-dss-4.0.1: passed");
    forms.rotateKeyEncryptionKey(TestKeys.freshKek());
    forms.sealJournal();
    List<JournalEvent> events = journal.read(0, 100).stream().map(r -> r.record().event()).toList();
    assertEquals(List.of(JournalEvent.CONFIGURATION, JournalEvent.KEK_ROTATED), events);
  }

  /** Nine chained records: two key records, then three per revealed submission, one more submit. */
  private List<StoredRecord> chained() {
    for (int i = 0; i < 2; i++) {
      SubmissionReceipt r = forms.submit(Forms.card(), "conv-" + i, Forms.cardValues());
      clock.advance(Duration.ofSeconds(1));
      forms.reveal(r.id(), Viewer.of("op-" + i)).orElseThrow().close();
    }
    forms.submit(Forms.card(), "conv-9", Forms.cardValues());
    assertEquals(9, forms.sealJournal());
    assertEquals(0, forms.sealJournal(), "nothing pending any more");
    JournalVerification v = forms.verifyJournal(forms.journalCheckpoint());
    assertTrue(v.ok(), v.toString());
    return journal.rowsForTest();
  }

  private void assertBadAt(Checkpoint anchored, long position, String problem) {
    JournalVerification v = forms.verifyJournal(anchored);
    assertFalse(v.ok(), v.toString());
    assertEquals(position, v.firstBadPosition(), v.toString());
    assertTrue(v.problem().contains(problem), v.problem());
  }

  @Test
  void verify_edited() {
    List<StoredRecord> rows = chained();
    StoredRecord r = rows.get(4);
    rows.set(4, new StoredRecord(r.sequence(), r.position(), r.record().withActor("op-innocent", null, null), r.mac()));
    journal.setRowsForTest(rows);
    assertBadAt(null, 5, "MAC does not match");
  }

  @Test
  void verify_removed() {
    List<StoredRecord> rows = chained();
    rows.remove(2);
    journal.setRowsForTest(rows);
    assertBadAt(null, 3, "missing");
  }

  @Test
  void verify_reordered() {
    List<StoredRecord> rows = chained();
    StoredRecord a = rows.get(3);
    StoredRecord b = rows.get(4);
    rows.set(3, new StoredRecord(a.sequence(), a.position(), b.record(), b.mac()));
    rows.set(4, new StoredRecord(b.sequence(), b.position(), a.record(), a.mac()));
    journal.setRowsForTest(rows);
    assertBadAt(null, 4, "MAC does not match");
  }

  @Test
  void verify_inserted() {
    List<StoredRecord> rows = chained();
    List<StoredRecord> moved = new ArrayList<>();
    for (StoredRecord r : rows) {
      moved.add(r.position() >= 6 ? new StoredRecord(r.sequence(), r.position() + 1, r.record(), r.mac()) : r);
    }
    StoredRecord copy = rows.get(4);
    moved.add(new StoredRecord(99, 6, copy.record(), copy.mac()));
    journal.setRowsForTest(moved);
    assertBadAt(null, 6, "MAC does not match");
  }

  @Test
  void verify_truncated_againstTheAnchoredCheckpoint() {
    List<StoredRecord> rows = chained();
    Checkpoint anchored = forms.journalCheckpoint();
    journal.setRowsForTest(new ArrayList<>(rows.subList(0, 7)));
    assertBadAt(anchored, 8, "truncated tail");
    assertBadAt(null, 8, "truncated tail"); // the head row still says 9
  }

  @Test
  void verify_pendingRecords_areReportedWithTheirAge() {
    chained();
    clock.advance(Duration.ofSeconds(3));
    forms.submit(Forms.card(), "conv-late", Forms.cardValues());
    JournalVerification v = forms.verifyJournal(null);
    assertTrue(v.ok(), v.toString());
    assertEquals(1, v.pending());
    assertEquals(clock.instant(), v.oldestPending());
  }

  @Test
  void checkpoint_exportParsesBack() {
    chained();
    Checkpoint c = forms.journalCheckpoint();
    assertEquals(c, Checkpoint.parse(c.export()));
    assertEquals("a checkpoint reads lhnj1.<count>.<base64url head>",
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.parse("nonsense")).getMessage());
  }
}
