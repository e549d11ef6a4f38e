package dev.lhn.secureforms.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.retention.PurgeReason;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private final AuditLog log = AuditLog.inMemory();
  private List<AuditRecord> records;

  @BeforeEach
  void fill() {
    SubmissionId id = SubmissionId.random(new SecureRandom());
    Instant t = Instant.parse("2026-11-29T10:00:00Z");
    log.append(new FormEvent.Submitted(id, "card", "c-1", t));
    log.append(new FormEvent.RevealDenied(id, "card", "c-1", "op-9", t.plusSeconds(1)));
    log.append(new FormEvent.Revealed(id, "card", "c-1", "op-7", t.plusSeconds(2), 0));
    log.append(new FormEvent.Purged(id, "card", "c-1", "op-7", t.plusSeconds(2), PurgeReason.REVEALED, null));
    log.append(new FormEvent.Purged(id, "card", "c-1", null, t.plusSeconds(3), PurgeReason.FIELD, "cvc"));
    records = new ArrayList<>(log.records());
  }

  @Test
  void intactChain_verifies() {
    assertTrue(log.verify().valid());
    assertEquals(records.get(4).hash(), log.head());
    assertEquals(AuditRecord.GENESIS, records.get(0).previousHash());
  }

  @Test
  void editedRecord_failsVerify() {
    AuditRecord r = records.get(2);
    records.set(2, new AuditRecord(r.sequence(), r.eventJson().replace("op-7", "op-8"), r.previousHash(), r.hash()));
    AuditLog.Verification v = AuditLog.verify(records);
    assertFalse(v.valid());
    assertEquals(2, v.brokenAt());
    assertEquals("record 2 was changed", v.problem());
  }

  @Test
  void editedRecordWithItsHashRecomputed_failsAtTheNext() {
    AuditRecord r = records.get(1);
    String json = r.eventJson().replace("op-9", "op-1");
    records.set(1, new AuditRecord(1, json, r.previousHash(), AuditLog.hash(r.previousHash(), 1, json)));
    assertEquals(2, AuditLog.verify(records).brokenAt());
  }

  @Test
  void removedRecord_failsVerify() {
    records.remove(1);
    AuditLog.Verification v = AuditLog.verify(records);
    assertFalse(v.valid());
    assertEquals(1, v.brokenAt());
  }

  @Test
  void removedRecordWithSequencesRenumbered_failsVerify() {
    records.remove(1);
    List<AuditRecord> renumbered = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      AuditRecord r = records.get(i);
      renumbered.add(new AuditRecord(i, r.eventJson(), r.previousHash(), r.hash()));
    }
    assertFalse(AuditLog.verify(renumbered).valid());
  }

  @Test
  void swappedRecords_failVerify() {
    Collections.swap(records, 2, 3);
    assertFalse(AuditLog.verify(records).valid());
  }

  @Test
  void events_areMetadataOnlyJson() {
    assertTrue(records.get(0).eventJson().startsWith("{\"type\":\"submitted\",\"submissionId\":\""));
    assertTrue(records.get(4).eventJson().endsWith(
        "\"formId\":\"card\",\"conversationId\":\"c-1\",\"at\":\"2026-11-29T10:00:03Z\",\"reason\":\"FIELD\",\"field\":\"cvc\"}"),
        records.get(4).eventJson());
    assertTrue(records.get(2).eventJson().contains("\"operatorId\":\"op-7\""));
  }
}
