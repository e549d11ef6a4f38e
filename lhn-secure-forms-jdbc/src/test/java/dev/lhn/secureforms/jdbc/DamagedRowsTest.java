package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.PurgeReason;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rows that a writer with database access (or a disk) damaged: one of them never breaks or blocks a
 * purge, is never revealed, and never vanishes without a {@code Purged(DAMAGED)} event naming it. On
 * PostgreSQL the purge's {@code DELETE ... RETURNING} used to commit before decoding, so one bad row threw
 * after its whole batch was gone; on MariaDB the same row rolled every purge back, forever.
 */
class DamagedRowsTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final FormSchema FORM = FormSchema.builder("card-payment")
      .field(Field.cardNumber("pan"))
      .field(Field.cardCvc("cvc").retention(RetentionPolicy.afterConversationEnd(Duration.ZERO)))
      .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
      .build();
  private static final Map<String, String> VALUES = Map.of("pan", "4242 4242 4242 4242", "cvc", "123");

  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final InstantSource clock = () -> now.get();
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();

  private static Aead kek() {
    try {
      AeadConfig.register();
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM).getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Forms over the submissions under {@code prefix}, their epoch keys beside them (a test needs no second database). */
  private SecureForms forms(DataSource raw, String prefix, JdbcSubmissionStore store, int batch) {
    JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(raw).tablePrefix(prefix).createSchema().build();
    return SecureForms.builder().keyEncryptionKey(kek()).store(store).epochKeyStore(keys).clock(clock)
        .listener(events::add).purgeBatchSize(batch).retentionScheduler(RetentionScheduler.disabled()).build();
  }

  /** Two kinds of damage the DDL cannot refuse: a preview that is not JSON, a conversation id that is empty. */
  private static void damage(DataSource raw, JdbcSubmissionStore store, SubmissionId id, String column, String value)
      throws SQLException {
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement("UPDATE " + store.tableName() + " SET " + column + " = ? WHERE id = ?")) {
      ps.setString(1, value);
      ps.setBytes(2, id.toBytes());
      assertEquals(1, ps.executeUpdate());
    }
  }

  private static int rows(DataSource raw, JdbcSubmissionStore store) throws SQLException {
    try (Connection c = raw.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM " + store.tableName())) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Set<SubmissionId> purgedFor(List<FormEvent> events, PurgeReason reason) {
    return events.stream().filter(e -> e instanceof FormEvent.Purged p && p.reason() == reason)
        .map(FormEvent::submissionId).collect(Collectors.toSet());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void purgeDue_damagedDueRows_arePurgedWithEvidence_andEveryGoodRowToo(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("dmg");
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = forms(raw, prefix, store, 3)) {
        List<SubmissionId> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
          ids.add(forms.submit(FORM, "conv-" + i, VALUES).id());
        }
        damage(raw, store, ids.get(0), "preview", "not json");
        damage(raw, store, ids.get(4), "conversation_id", "");
        now.set(T0.plus(Duration.ofDays(2)));
        assertEquals(7, forms.purgeDue(), "every due row, two of them damaged, in batches of 3");
        assertEquals(0, rows(raw, store), "nothing left behind");
        assertEquals(Set.of(ids.get(0), ids.get(4)), purgedFor(events, PurgeReason.DAMAGED));
        Set<SubmissionId> good = new java.util.HashSet<>(ids);
        good.removeAll(Set.of(ids.get(0), ids.get(4)));
        assertEquals(good, purgedFor(events, PurgeReason.MAX_AGE), "the good rows purged as due");
        assertEquals(0, forms.purgeDue(), "and nothing twice");
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void statusRevealAndPurge_ofADamagedRow_throwTypedAndChangeNothing(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("dmr");
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = forms(raw, prefix, store, 100)) {
        SubmissionReceipt r = forms.submit(FORM, "conv-x", VALUES);
        damage(raw, store, r.id(), "field_retention", "{\"cvc\":{\"maxAge\":\"soon\"}}");
        String expected = "stored submission " + r.id() + " is damaged (stored field retention is not valid)";
        StoreException status = assertThrows(StoreException.class, () -> forms.status(r.id()));
        assertEquals("find of submission " + r.id() + " failed: " + expected, status.getMessage());
        StoreException reveal = assertThrows(StoreException.class, () -> forms.reveal(r.id(), Viewer.of("op-1")));
        assertEquals("claim of submission " + r.id() + " failed: " + expected, reveal.getMessage());
        StoreException purge = assertThrows(StoreException.class, () -> forms.purge(r.id()));
        assertEquals("delete of submission " + r.id() + " failed: " + expected, purge.getMessage());
        assertEquals(1, rows(raw, store), "the claim's delete of the last view and the purge were rolled back");
        assertFalse(events.stream().anyMatch(e -> e instanceof FormEvent.Revealed), events.toString());
        now.set(T0.plus(Duration.ofDays(1)));
        assertEquals(1, forms.purgeDue(), "its deadline still purges it");
        assertEquals(Set.of(r.id()), purgedFor(events, PurgeReason.DAMAGED));
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void conversationEnded_withADamagedRow_endsTheOthers_andQuarantinesIt(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("dmc");
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = forms(raw, prefix, store, 100)) {
        SubmissionReceipt a = forms.submit(FORM, "conv-end", VALUES);
        SubmissionReceipt bad = forms.submit(FORM, "conv-end", VALUES);
        SubmissionReceipt b = forms.submit(FORM, "conv-end", VALUES);
        damage(raw, store, bad.id(), "preview", "[]");
        now.set(T0.plusSeconds(60));
        assertEquals(2, forms.conversationEnded("conv-end"), "the two good submissions");
        for (SubmissionReceipt r : List.of(a, b)) {
          assertEquals(T0.plusSeconds(60).plus(Duration.ofHours(1)), forms.status(r.id()).orElseThrow().purgeAt());
          assertFalse(forms.status(r.id()).orElseThrow().preview().containsKey("cvc"), "the card code went at the end");
        }
        assertEquals(1, forms.purgeDue(), "the damaged row was made due at once");
        assertEquals(Set.of(bad.id()), purgedFor(events, PurgeReason.DAMAGED));
        assertEquals(2, rows(raw, store));
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void ddl_refusesAnEmptyEnvelope_andADeadlinePastTheMaximumAge(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("dmd");
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = forms(raw, prefix, store, 100)) {
        SubmissionReceipt r = forms.submit(FORM, "conv-ddl", VALUES);
        try (Connection c = raw.getConnection()) {
          try (PreparedStatement ps = c.prepareStatement("UPDATE " + store.tableName() + " SET envelope = ? WHERE id = ?")) {
            ps.setBytes(1, new byte[0]);
            ps.setBytes(2, r.id().toBytes());
            assertThrows(SQLException.class, ps::executeUpdate, "a 0-byte envelope");
          }
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE " + store.tableName() + " SET purge_at = expires_at + 1 WHERE id = ?")) {
            ps.setBytes(1, r.id().toBytes());
            assertThrows(SQLException.class, ps::executeUpdate, "a deadline past the maximum age");
          }
        }
        assertEquals(r.purgeAt(), forms.status(r.id()).orElseThrow().purgeAt(), "unchanged");
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }
}
