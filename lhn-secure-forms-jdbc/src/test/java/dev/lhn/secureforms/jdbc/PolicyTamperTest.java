package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A writer with access to the submissions table rewrites one policy column of a view-once submission
 * (within the DDL's checks): envelope v2 authenticates the policy, so the reveal refuses with a
 * {@link DecryptionException} naming what disagrees, reveals nothing, consumes nothing (the row is byte for
 * byte as the writer left it) and emits {@code RevealFailed}. Each case is checked against an untouched twin
 * revealed afterwards, so that the refusal is the tampering's doing.
 */
class PolicyTamperTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:17:23.456Z");
  private static final long TEN_YEARS_MS = Duration.ofDays(3650).toMillis();
  private static final FormSchema FORM = FormSchema.builder("card-payment")
      .field(Field.cardNumber("pan"))
      .field(Field.cardCvc("cvc").retention(RetentionPolicy.maxAge(Duration.ofMinutes(15))))
      .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ofHours(1)))
      .build();

  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final InstantSource clock = () -> now.get();
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();
  private final Aead kek = ShredRows.kek();

  /** One column rewrite: the SET clause (its parameter, if any, is another row's value of {@code copied}). */
  private record Tamper(String label, String set, String copied, String part) {}

  private static final List<Tamper> TAMPERS = List.of(
      new Tamper("a view-once made 5 views", "max_views = 5, views_left = 5", null, "views"),
      new Tamper("deadlines 10 years on", "expires_at = expires_at + " + TEN_YEARS_MS
          + ", purge_at = purge_at + " + TEN_YEARS_MS, null, "deadline"),
      new Tamper("another conversation's reference", "conversation_id = ?", "conversation_id", "conversation"),
      new Tamper("the card code's rule dropped", "field_retention = '{}'", null, "field retention"),
      new Tamper("a reveal window added", "reveal_window_ms = 3600000", null, "reveal window"),
      new Tamper("the after-end rule lengthened", "purge_after_conv_end_ms = 86400000", null,
          "purge after the conversation's end"),
      new Tamper("the after-end rule dropped", "purge_after_conv_end_ms = NULL", null,
          "purge after the conversation's end"),
      new Tamper("another form", "form_id = 'other-form'", null, "form"),
      new Tamper("another schema version", "schema_version = 2", null, "form"),
      new Tamper("submitted an hour earlier", "submitted_at = submitted_at - 3600000", null, "submission time"));

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void reveal_ofARowWhosePolicyColumnWasRewritten_throwsNamingIt_revealsAndConsumesNothing(TestDatabase db)
      throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("tmp");
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(keys)
          .clock(clock).listener(events::add).retentionScheduler(RetentionScheduler.disabled()).build()) {
        int i = 0;
        for (Tamper t : TAMPERS) {
          Map<String, String> values = Map.of("pan", ShredRows.pan(i), "cvc", ShredRows.cvc(i));
          SubmissionId victim = forms.submit(FORM, "conv-victim-" + i, values).id();
          SubmissionId twin = forms.submit(FORM, "conv-twin-" + i, values).id();
          i++;
          byte[] vid = victim.toBytes();
          if (t.copied() == null) {
            ShredRows.update(raw, store.tableName(), vid, t.set());
          } else {
            Object other = ShredRows.row(raw, store.tableName(), twin.toBytes()).get(t.copied());
            assertNotEquals(ShredRows.row(raw, store.tableName(), vid).get(t.copied()), other);
            ShredRows.update(raw, store.tableName(), vid, t.set(), other);
          }
          Map<String, Object> before = ShredRows.row(raw, store.tableName(), vid);
          events.clear();

          DecryptionException e = assertThrows(DecryptionException.class,
              () -> forms.reveal(victim, Viewer.of("op-1")), t.label());
          assertEquals("submission " + victim + ": the stored " + t.part()
              + " disagrees with the sealed policy; nothing was revealed", e.getMessage(), t.label());
          assertEquals(before, ShredRows.row(raw, store.tableName(), vid), t.label() + ": the row is unchanged");
          assertEquals(1, events.size(), t.label() + ": " + events);
          FormEvent.RevealFailed failed = (FormEvent.RevealFailed) events.get(0);
          assertEquals(victim, failed.submissionId(), t.label());
          assertEquals("op-1", failed.operatorId(), t.label());
          assertEquals("DecryptionException", failed.error(), t.label());
          // The same again: a refusal consumes nothing, however often it is asked.
          assertThrows(DecryptionException.class, () -> forms.reveal(victim, Viewer.of("op-1")), t.label());
          assertEquals(before, ShredRows.row(raw, store.tableName(), vid), t.label() + ": still unchanged");
          assertFalse(events.stream().anyMatch(ev -> ev instanceof FormEvent.Revealed), t.label() + ": " + events);

          // The untouched twin reveals: the refusal above is the tampering's doing.
          try (RevealedSubmission r = forms.reveal(twin, Viewer.of("op-1")).orElseThrow()) {
            assertEquals(values.get("pan"), r.value("pan"), t.label());
            assertEquals(values.get("cvc"), r.value("cvc"), t.label());
          }
        }
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  /**
   * What the envelope does not authenticate before a key unwraps: a slot's epoch id (docs/FORMAT.md). A
   * writer who moves the card code's slot to a later window makes its key "missing" while that window has
   * not ended: the reveal must call that tampering, not hand out the card number alone as if the card code
   * had been erased.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void reveal_ofARowWhoseCardCodeSlotWasMovedToALaterEpoch_throws_andConsumesNothing(TestDatabase db)
      throws SQLException {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("tms");
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(keys)
          .clock(clock).listener(events::add).retentionScheduler(RetentionScheduler.disabled()).build()) {
        SubmissionId victim = forms.submit(FORM, "conv-slot", Map.of("pan", ShredRows.pan(1), "cvc", ShredRows.cvc(1))).id();
        byte[] vid = victim.toBytes();
        // slot 1 := index 1, tenant "" (0), key class "data" (4), window start, window length (1 h)
        long hour = Duration.ofHours(1).toMillis();
        long cvcWindow = T0.plus(Duration.ofMinutes(15)).toEpochMilli() / hour * hour;
        java.nio.ByteBuffer slot = java.nio.ByteBuffer.allocate(23).put(new byte[] {1, 0, 4, 'd', 'a', 't', 'a'})
            .putLong(cvcWindow).putLong(hour);
        byte[] envelope = store.find(victim, T0).orElseThrow().envelope();
        int at = indexOf(envelope, slot.array());
        java.nio.ByteBuffer.wrap(envelope).putLong(at + 7, cvcWindow + 48 * hour); // two days later, still aligned
        ShredRows.update(raw, store.tableName(), vid, "envelope = ?", envelope);
        Map<String, Object> before = ShredRows.row(raw, store.tableName(), vid);
        events.clear();

        DecryptionException e = assertThrows(DecryptionException.class, () -> forms.reveal(victim, Viewer.of("op-1")));
        assertEquals("submission " + victim + ": a field's epoch key is missing before its epoch ended", e.getMessage());
        assertEquals(before, ShredRows.row(raw, store.tableName(), vid), "the row is unchanged");
        assertEquals(1, events.size(), events.toString());
        assertEquals("DecryptionException", ((FormEvent.RevealFailed) events.get(0)).error());
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("slot 1 not found in the envelope");
  }
}
