package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.internal.EnvelopeV2;
import dev.lhn.secureforms.internal.KeyHierarchy;
import dev.lhn.secureforms.internal.Sealing;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.StoredSubmission;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #10's acceptance: a copy of the submissions table taken before any purge (a backup, a replica, a
 * dump) is unreadable once the epochs of its submissions' deadlines are destroyed, and readable before (the
 * control, so that these tests can fail). The epoch key store is the one thing not copied: it stays where
 * it is, as docs/KEYS.md asks. The restored copy is read by a fresh {@code SecureForms} and by the codec
 * itself ({@code Sealing}, {@code EnvelopeV2}) with every field wanted, so that no metadata rule ("due")
 * hides what the keys would give.
 */
class CryptoShredTest {
  /** Not aligned to a window: 10:17:23.456 UTC. */
  private static final Instant T0 = Instant.parse("2026-11-29T10:17:23.456Z");
  private static final Duration WINDOW = Duration.ofHours(1);
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final long TEN_YEARS_MS = Duration.ofDays(3650).toMillis();

  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final InstantSource clock = () -> now.get();
  private final List<FormEvent> events = new CopyOnWriteArrayList<>();
  private final Aead kek = ShredRows.kek();

  private SecureForms forms(JdbcSubmissionStore store, JdbcEpochKeyStore keys) {
    return SecureForms.builder().keyEncryptionKey(kek).store(store).epochKeyStore(keys).epochWindow(WINDOW)
        .epochGrace(GRACE).clock(clock).listener(events::add).retentionScheduler(RetentionScheduler.disabled())
        .build();
  }

  /** The codec as SecureForms uses it, over the same epoch key store, with a cold cache. */
  private Sealing sealing(JdbcEpochKeyStore keys) {
    return new Sealing(kek, new KeyHierarchy(kek, keys, WINDOW, GRACE));
  }

  private static JdbcSubmissionStore store(DataSource raw, String prefix) {
    return JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
  }

  private static long windowStart(Instant deadline) {
    return EpochKeyId.containing("", Sealing.DATA, deadline, WINDOW).windowStartMillis();
  }

  /** Opens a restored row with the codec directly, every field wanted, at the current time. */
  private static Map<String, String> openDirectly(Sealing sealing, StoredSubmission s, Instant at) {
    Sealing.Opened o = sealing.openLoadingKeys(s, at, Set.of());
    assertFalse(o.erased(), "not erased");
    Map<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < o.names().length; i++) {
      out.put(o.names()[i], new String(o.values()[i], StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The row as the store reads it, whatever its deadlines (the store never reads a clock: ask "at T0"). */
  private static StoredSubmission rowOf(JdbcSubmissionStore store, SubmissionId id) {
    return store.find(id, T0).orElseThrow(() -> new AssertionError("row " + id + " missing"));
  }

  // ------------------------------------------------------------------------------------------------- 1

  private static final FormSchema CARD = FormSchema.builder("card-payment")
      .field(Field.cardNumber("pan"))
      .field(Field.cardCvc("cvc"))
      .retention(RetentionPolicy.maxAge(Duration.ofHours(2)))
      .build();

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void backupTakenBeforeAnyPurge_isUnreadable_onceTheEpochsAreDestroyed(TestDatabase db) throws SQLException {
    DataSource raw = db.require();
    TestPool pool = new TestPool(raw, 4);
    TestPool keyPool = new TestPool(raw, 4); // the epoch keys on a data source of their own (docs/KEYS.md)
    String prefix = TestDatabase.uniquePrefix("shr");
    String control = TestDatabase.uniquePrefix("shc");
    String restored = TestDatabase.uniquePrefix("shx");
    String backup = prefix + "bak";
    int n = 50;
    try {
      JdbcSubmissionStore store = store(pool, prefix);
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(keyPool).tablePrefix(prefix).createSchema().build();
      List<SubmissionId> ids = new ArrayList<>();
      Instant second = T0.plus(Duration.ofMinutes(50)); // half of them one window later: two epochs
      try (SecureForms forms = forms(store, keys)) {
        for (int i = 0; i < n; i++) {
          now.set(i < n / 2 ? T0.plusMillis(i) : second.plusMillis(i));
          ids.add(forms.submit(CARD, "conv-" + (i % 7), Map.of("pan", ShredRows.pan(i), "cvc", ShredRows.cvc(i))).id());
        }
        Instant lastDeadline = second.plusMillis(n).plus(Duration.ofHours(2));
        List<Long> epochs = List.of(windowStart(T0.plus(Duration.ofHours(2))), windowStart(lastDeadline));
        assertEquals(2, Set.copyOf(epochs).size(), "the submissions span two epochs");
        assertEquals(epochs, ShredRows.epochWindows(raw, keys, Sealing.DATA), "one data key per epoch, stored");

        ShredRows.copyTable(raw, store.tableName(), backup); // the backup, before any purge

        // Control: the copy restored while the epochs live reveals every submission, value for value.
        now.set(second.plus(Duration.ofMinutes(5)));
        JdbcSubmissionStore controlStore = store(pool, control);
        assertEquals(n, ShredRows.restore(pool, backup, controlStore));
        try (SecureForms fresh = forms(controlStore, keys); Sealing codec = sealing(keys)) {
          assertEquals(Map.of("cvc", ShredRows.cvc(0), "pan", ShredRows.pan(0)),
              openDirectly(codec, rowOf(controlStore, ids.get(0)), now.get()), "the codec opens the copy");
          for (int i = 0; i < n; i++) {
            try (RevealedSubmission r = fresh.reveal(ids.get(i), Viewer.of("op-1")).orElseThrow(
                () -> new AssertionError("the control copy must reveal"))) {
              assertEquals(ShredRows.pan(i), r.value("pan"));
              assertEquals(ShredRows.cvc(i), r.value("cvc"));
            }
          }
        }

        // Past the last hard deadline + one window + the grace period: the purge destroys both epochs.
        now.set(lastDeadline.plus(WINDOW).plus(GRACE));
        assertEquals(n, forms.purgeDue(), "every submission was due");
        assertEquals(List.of(), ShredRows.epochWindows(raw, keys, Sealing.DATA), "no data key left for those epochs");
      }

      // The pre-purge copy restored into a fresh table, read by a fresh instance over the same key store.
      JdbcSubmissionStore restoredStore = store(pool, restored);
      assertEquals(n, ShredRows.restore(pool, backup, restoredStore));
      int revealed = 0;
      events.clear();
      try (SecureForms fresh = forms(restoredStore, keys); Sealing codec = sealing(keys)) {
        for (SubmissionId id : ids) {
          // 1. As restored: the rows are past their deadlines, so the reveal says "gone", consuming nothing.
          Optional<RevealedSubmission> r = fresh.reveal(id, Viewer.of("op-1"));
          if (r.isPresent()) {
            revealed++;
            r.get().close();
          }
          // 2. The codec itself, with every field wanted: no epoch key, the submission is crypto-erased.
          StoredSubmission row = rowOf(restoredStore, id);
          assertTrue(codec.openLoadingKeys(row, now.get(), Set.of()).erased(), "Sealing.open of " + id);
          try (EnvelopeV2.Opened o = EnvelopeV2.open(row.envelope(), id,
              slot -> codec.keys().key(new EpochKeyId(slot.tenant(), slot.keyClass(), slot.windowStartMillis(),
                  slot.windowLengthMillis()), now.get()), name -> true)) {
            assertTrue(o.destroyed(), "EnvelopeV2.open of " + id + " finds no key for slot 0");
            assertEquals(List.of(), o.names());
          }
        }
        assertEquals(0, revealed, "of " + n + " submissions restored from the pre-purge copy");
        // 3. A writer who also moves the deadlines 10 years on (policy and DDL checks respected): the reveal
        //    reaches the codec, finds no key before the (claimed) epoch ended, and refuses, typed.
        SubmissionId first = ids.get(0);
        ShredRows.update(raw, restoredStore.tableName(), first.toBytes(),
            "expires_at = expires_at + " + TEN_YEARS_MS + ", purge_at = purge_at + " + TEN_YEARS_MS);
        DecryptionException e = assertThrows(DecryptionException.class, () -> fresh.reveal(first, Viewer.of("op-1")));
        assertEquals("submission " + first + ": its epoch key is missing before its epoch ended", e.getMessage());
        assertFalse(events.stream().anyMatch(ev -> ev instanceof FormEvent.Revealed), events.toString());
      }
    } finally {
      pool.close();
      keyPool.close();
      TestDatabase.dropTable(raw, backup);
      TestDatabase.dropTables(raw, control);
      TestDatabase.dropTables(raw, restored);
      TestDatabase.dropTables(raw, prefix);
    }
  }

  // ------------------------------------------------------------------------------------------------- 2

  /** The card code lives 15 minutes (the epoch of T0 + 15 min), the rest 24 hours (another epoch). */
  private static final FormSchema SHORT_CVC = FormSchema.builder("card-payment")
      .field(Field.cardNumber("pan"))
      .field(Field.cardCvc("cvc").retention(RetentionPolicy.maxAge(Duration.ofMinutes(15))))
      .retention(RetentionPolicy.maxAge(Duration.ofHours(24)))
      .build();

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"H2", "POSTGRESQL", "MARIADB"})
  void cardCodePurgedOnDemand_isUnrecoverableFromAPrePurgeCopy_onceItsOwnEpochEnds(TestDatabase db)
      throws SQLException {
    DataSource raw = db.require();
    TestPool pool = new TestPool(raw, 4);
    TestPool keyPool = new TestPool(raw, 4); // the epoch keys on a data source of their own (docs/KEYS.md)
    String prefix = TestDatabase.uniquePrefix("scv");
    String control = TestDatabase.uniquePrefix("scc");
    String restored = TestDatabase.uniquePrefix("scx");
    String backup = prefix + "bak";
    Map<String, String> values = Map.of("pan", ShredRows.pan(7), "cvc", ShredRows.cvc(7));
    long cvcEpoch = windowStart(T0.plus(Duration.ofMinutes(15)));
    long submissionEpoch = windowStart(T0.plus(Duration.ofHours(24)));
    Instant cvcDestroyAt = Instant.ofEpochMilli(cvcEpoch).plus(WINDOW).plus(GRACE);
    try {
      JdbcSubmissionStore store = store(pool, prefix);
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(keyPool).tablePrefix(prefix).createSchema().build();
      SubmissionId id;
      try (SecureForms forms = forms(store, keys)) {
        id = forms.submit(SHORT_CVC, "conv-cvc", values).id();
        assertEquals(List.of(cvcEpoch, submissionEpoch), ShredRows.epochWindows(raw, keys, Sealing.DATA),
            "the card code's data key is under an epoch of its own");
        ShredRows.copyTable(raw, store.tableName(), backup); // the copy, before the card code's purge

        now.set(T0.plus(Duration.ofMinutes(1)));
        assertTrue(forms.purgeField(id, "cvc"), "purged on demand");
        assertFalse(forms.status(id).orElseThrow().preview().containsKey("cvc"));

        // Control: before the card code's epoch ends, the pre-purge copy still gives the card code, through
        // the API while its deadline has not passed, and through the codec until its epoch key goes.
        JdbcSubmissionStore controlStore = store(pool, control);
        assertEquals(1, ShredRows.restore(pool, backup, controlStore));
        try (Sealing codec = sealing(keys)) {
          assertEquals(new java.util.TreeMap<>(values), openDirectly(codec, rowOf(controlStore, id), now.get()));
          assertEquals(new java.util.TreeMap<>(values), openDirectly(codec, rowOf(controlStore, id),
              cvcDestroyAt.minusMillis(1)), "the key lives until window end + grace");
        }
        try (SecureForms fresh = forms(controlStore, keys);
            RevealedSubmission r = fresh.reveal(id, Viewer.of("op-1")).orElseThrow()) {
          assertEquals(values.get("cvc"), r.value("cvc"));
          assertEquals(values.get("pan"), r.value("pan"));
        }

        now.set(cvcDestroyAt);
        forms.purgeDue();
        assertEquals(List.of(submissionEpoch), ShredRows.epochWindows(raw, keys, Sealing.DATA),
            "the card code's epoch key is destroyed, the submission's lives");
        assertTrue(forms.status(id).isPresent(), "the submission itself lives on");
      }

      // The pre-purge copy restored after the card code's epoch: the card number, never the card code.
      JdbcSubmissionStore restoredStore = store(pool, restored);
      assertEquals(1, ShredRows.restore(pool, backup, restoredStore));
      try (Sealing codec = sealing(keys)) {
        assertEquals(Map.of("pan", values.get("pan")), openDirectly(codec, rowOf(restoredStore, id), now.get()),
            "Sealing.open with the card code wanted");
        StoredSubmission row = rowOf(restoredStore, id);
        try (EnvelopeV2.Opened o = EnvelopeV2.open(row.envelope(), id,
            slot -> codec.keys().key(new EpochKeyId(slot.tenant(), slot.keyClass(), slot.windowStartMillis(),
                slot.windowLengthMillis()), now.get()), name -> true)) {
          assertFalse(o.destroyed());
          assertEquals(List.of("pan"), o.names());
          assertEquals(Set.of("cvc"), o.destroyedFields());
        }
      }
      try (SecureForms fresh = forms(restoredStore, keys);
          RevealedSubmission r = fresh.reveal(id, Viewer.of("op-1")).orElseThrow()) {
        assertEquals(values.get("pan"), r.value("pan"));
        assertFalse(r.has("cvc"), "the card code is gone from every copy");
      }
    } finally {
      pool.close();
      keyPool.close();
      TestDatabase.dropTable(raw, backup);
      TestDatabase.dropTables(raw, control);
      TestDatabase.dropTables(raw, restored);
      TestDatabase.dropTables(raw, prefix);
    }
  }
}
