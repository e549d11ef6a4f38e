package dev.lhn.secureforms.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link EpochKeyStore} contract as tests. Extend it, return a fresh and empty store from
 * {@link #createStore()}, and run it with JUnit 5:
 *
 * <pre>{@code
 * class MyEpochKeyStoreCompatibilityTest extends EpochKeyStoreCompatibilityKit {
 *   @Override
 *   protected EpochKeyStore createStore() {
 *     return new MyEpochKeyStore(...);   // fresh and empty for every test
 *   }
 * }
 * }</pre>
 *
 * <p>Each nested group proves one part of the contract and its display name says which. The kit never reads
 * the wall clock: every {@code now} it passes is derived from the fixed instant {@link #T0}. Wrapped keys are
 * random bytes (a store never unwraps, so no key-encryption key is needed). The concurrency tests race
 * {@value #RACERS} threads on one store; a store shared by several instances should also be tested across
 * JVMs.
 */
public abstract class EpochKeyStoreCompatibilityKit {

  /** The fixed instant the kit's clock starts at (millisecond precision, not the wall clock). */
  protected static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");

  /** Threads in every race of inserts and re-wraps. */
  protected static final int RACERS = 32;

  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration GRACE = Duration.ofMinutes(5);
  /** The window containing {@link #T0}. */
  private static final EpochKeyId NOW_WINDOW = EpochKeyId.containing("", "data", T0, HOUR);

  private final AtomicInteger tenants = new AtomicInteger();
  private EpochKeyStore store;

  /**
   * A fresh, empty store for one test. Called before every test; the store must not share keys with any
   * store returned earlier.
   *
   * @return the store the next test runs against
   */
  protected abstract EpochKeyStore createStore();

  /**
   * Called after every test with the store {@link #createStore()} returned; release it here.
   *
   * @param store the store of the test that ended
   */
  protected void dropStore(EpochKeyStore store) {}

  /** Creates the store of the next test; not for subclasses to call. */
  @BeforeEach
  protected final void createStoreForKit() {
    store = createStore();
    assertNotNull(store, "createStore() returned null");
  }

  /** Drops the store of the test that ended; not for subclasses to call. */
  @AfterEach
  protected final void dropStoreForKit() {
    if (store != null) {
      EpochKeyStore s = store;
      store = null;
      dropStore(s);
    }
  }

  /**
   * The store of the running test.
   *
   * @return the store
   */
  protected final EpochKeyStore store() {
    return store;
  }

  // ------------------------------------------------------------------------------------------ groups

  @Nested
  @DisplayName("insert and find: a stored key comes back equal, wrapped bytes byte for byte")
  class InsertAndFind {

    @Test
    @DisplayName("a key is found equal to what was inserted, and insertIfAbsent returns it")
    void insert_thenFind_returnsEqual() {
      StoredEpochKey k = key(NOW_WINDOW);
      assertKeyEquals(k, store.insertIfAbsent(k), "insertIfAbsent of a new id");
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "find after insert");
    }

    @Test
    @DisplayName("every field round-trips: tenants, classes, 1 minute and 1 day windows, versions, odd destroyAt")
    void roundTrip_keepsEveryField() {
      List<StoredEpochKey> variants = List.of(
          new StoredEpochKey(NOW_WINDOW, NOW_WINDOW.windowEnd(), 0, bytes(1)),
          new StoredEpochKey(EpochKeyId.containing("acme.eu-1_x", "hpke", T0, Duration.ofMinutes(1)),
              T0.plus(Duration.ofDays(400)).plusMillis(7), Long.MAX_VALUE - 1, bytes(StoredEpochKey.MAX_WRAPPED_BYTES)),
          new StoredEpochKey(EpochKeyId.containing("t".repeat(64), "k".repeat(32), T0, Duration.ofDays(1)),
              T0.plus(Duration.ofDays(1)).plusMillis(999), 3, bytes(60)),
          new StoredEpochKey(EpochKeyId.containing("", "data", Instant.EPOCH, HOUR), T0.plusSeconds(1), 1, bytes(32)));
      for (StoredEpochKey k : variants) {
        assertKeyEquals(k, store.insertIfAbsent(k), "insert of " + k);
      }
      for (StoredEpochKey k : variants) {
        assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "round trip of " + k);
      }
    }

    @Test
    @DisplayName("a wrapped key holding every byte value 0x00 to 0xFF comes back unchanged")
    void wrapped_everyByteValue_roundTrips() {
      byte[] all = new byte[512];
      for (int i = 0; i < all.length; i++) {
        all[i] = (byte) (i < 256 ? i : 511 - i);
      }
      StoredEpochKey k = new StoredEpochKey(NOW_WINDOW, destroyAtOf(NOW_WINDOW), 0, all);
      store.insertIfAbsent(k);
      assertBytes(all, store.find(k.id(), T0).orElseThrow().wrapped(), "wrapped bytes");
    }

    @Test
    @DisplayName("ids that differ only in tenant, class, window start or window length are different keys")
    void idsDifferingInOneComponent_areDistinct() {
      EpochKeyId base = new EpochKeyId("a", "data", NOW_WINDOW.windowStartMillis(), NOW_WINDOW.windowLengthMillis());
      List<EpochKeyId> ids = List.of(base,
          new EpochKeyId("", "data", base.windowStartMillis(), base.windowLengthMillis()),
          new EpochKeyId("ab", "data", base.windowStartMillis(), base.windowLengthMillis()),
          new EpochKeyId("a", "data-x", base.windowStartMillis(), base.windowLengthMillis()),
          new EpochKeyId("a", "hpke", base.windowStartMillis(), base.windowLengthMillis()),
          new EpochKeyId("a", "data", base.windowStartMillis() + HOUR.toMillis(), base.windowLengthMillis()),
          new EpochKeyId("a", "data", base.windowStartMillis(), Duration.ofMinutes(30).toMillis()),
          new EpochKeyId("a", "data", base.windowStartMillis(), Duration.ofMinutes(1).toMillis()));
      List<StoredEpochKey> keys = new ArrayList<>();
      for (EpochKeyId id : ids) {
        StoredEpochKey k = key(id);
        keys.add(k);
        assertKeyEquals(k, store.insertIfAbsent(k), "insert of " + id + " beside similar ids");
      }
      for (StoredEpochKey k : keys) {
        // at the window's start: the 1-minute window's key is past destroyAt by T0
        assertKeyEquals(k, store.find(k.id(), NOW_WINDOW.windowStart()).orElse(null), "find of " + k.id());
      }
    }

    @Test
    @DisplayName("an id never stored is absent, and finding it creates nothing")
    void find_unknown_isEmpty() {
      store.insertIfAbsent(key(NOW_WINDOW));
      EpochKeyId other = EpochKeyId.containing("", "data", T0.plus(HOUR), HOUR);
      assertEquals(Optional.empty(), store.find(other, T0));
      assertEquals(List.of(NOW_WINDOW), ids(store.live(T0, null, 100)), "only the stored key is live");
    }
  }

  @Nested
  @DisplayName("insertIfAbsent keeps the first key of an id: a duplicate returns the stored one, unchanged")
  class DuplicateId {

    @Test
    @DisplayName("inserting an existing id returns the first key; the first stays as it was")
    void insert_existingId_returnsAndKeepsFirst() {
      StoredEpochKey first = key(NOW_WINDOW);
      store.insertIfAbsent(first);
      StoredEpochKey second = new StoredEpochKey(NOW_WINDOW, destroyAtOf(NOW_WINDOW).plusSeconds(60), 0, bytes(70));
      assertKeyEquals(first, store.insertIfAbsent(second), "what the second insert returns");
      assertKeyEquals(first, store.find(NOW_WINDOW, T0).orElse(null), "the stored key");
    }

    @Test
    @DisplayName("an id is taken while its key is past destroyAt but not yet deleted; once deleted it is free")
    void insert_idOfKeyPastDestroyAt_keepsItUntilDeleted() {
      StoredEpochKey old = key(NOW_WINDOW);
      store.insertIfAbsent(old);
      Instant after = old.destroyAt().plusSeconds(1);
      assertEquals(Optional.empty(), store.find(NOW_WINDOW, after), "past destroyAt");
      StoredEpochKey again = new StoredEpochKey(NOW_WINDOW, old.destroyAt().plus(HOUR), 0, bytes(40));
      assertKeyEquals(old, store.insertIfAbsent(again), "an insert while the old key is not deleted");
      assertEquals(List.of(NOW_WINDOW), store.destroyDue(after, 10), "destroy the old key");
      assertKeyEquals(again, store.insertIfAbsent(again), "an insert once the old key is deleted");
      assertKeyEquals(again, store.find(NOW_WINDOW, after).orElse(null), "the new key");
    }

    @Test
    @DisplayName("of " + RACERS + " threads inserting one id at once, exactly one wins and all get the winner")
    void concurrentInserts_sameId_exactlyOneWins() {
      List<StoredEpochKey> candidates = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        candidates.add(new StoredEpochKey(NOW_WINDOW, destroyAtOf(NOW_WINDOW), 0, bytes(40 + i)));
      }
      List<StoredEpochKey> returned = Race.run(RACERS, i -> () -> store.insertIfAbsent(candidates.get(i)));
      Set<Integer> winners = new HashSet<>();
      for (StoredEpochKey r : returned) {
        int at = candidates.indexOf(r);
        assertTrue(at >= 0, "insertIfAbsent returned a key no thread inserted: " + r);
        winners.add(at);
      }
      assertEquals(1, winners.size(), "distinct keys returned by " + RACERS + " racing inserts of one id");
      StoredEpochKey winner = candidates.get(winners.iterator().next());
      assertKeyEquals(winner, store.find(NOW_WINDOW, T0).orElse(null), "the stored key is the winner");
    }
  }

  @Nested
  @DisplayName("a key past destroyAt is never returned nor changed: find, live and rewrap treat it as absent")
  class PastDestroyAt {

    @Test
    @DisplayName("found 1 ms before destroyAt; absent at destroyAt and after, deleted or not")
    void find_boundary() {
      StoredEpochKey k = key(NOW_WINDOW);
      store.insertIfAbsent(k);
      assertKeyEquals(k, store.find(k.id(), k.destroyAt().minusMillis(1)).orElse(null), "1 ms before destroyAt");
      assertEquals(Optional.empty(), store.find(k.id(), k.destroyAt()), "at destroyAt");
      assertEquals(Optional.empty(), store.find(k.id(), k.destroyAt().plus(Duration.ofDays(3))), "days after");
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "an earlier now still finds it: find deleted nothing");
    }

    @Test
    @DisplayName("live lists a key 1 ms before destroyAt, never at or after it")
    void live_boundary() {
      StoredEpochKey k = key(NOW_WINDOW);
      StoredEpochKey later = key(EpochKeyId.containing("", "data", T0.plus(HOUR), HOUR));
      store.insertIfAbsent(k);
      store.insertIfAbsent(later);
      assertEquals(List.of(k, later), store.live(k.destroyAt().minusMillis(1), null, 10), "1 ms before");
      assertEquals(List.of(later), store.live(k.destroyAt(), null, 10), "at destroyAt");
      assertEquals(List.of(), store.live(later.destroyAt(), null, 10), "both past");
    }

    @Test
    @DisplayName("rewrap of a key at or past destroyAt returns false and changes nothing")
    void rewrap_pastDestroyAt_false() {
      StoredEpochKey k = key(NOW_WINDOW);
      store.insertIfAbsent(k);
      assertFalse(store.rewrap(k.id(), 0, bytes(50), k.destroyAt()), "rewrap at destroyAt");
      assertFalse(store.rewrap(k.id(), 0, bytes(50), k.destroyAt().plusSeconds(5)), "rewrap after destroyAt");
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "unchanged");
      assertTrue(store.rewrap(k.id(), 0, bytes(50), k.destroyAt().minusMillis(1)), "rewrap 1 ms before destroyAt");
    }
  }

  @Nested
  @DisplayName("destroyDue deletes keys with destroyAt <= now in batches, each exactly once, never one not yet due")
  class DestroyDue {

    @Test
    @DisplayName("25 due and 5 not yet due, batches of 10: 10, 10, 5, 0; the 5 stay intact")
    void batches() {
      Instant now = T0.plus(Duration.ofDays(2));
      Set<EpochKeyId> due = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        due.add(insert(keyDestroyedAt(now.minusMillis(i * 1000L))).id());
      }
      List<StoredEpochKey> notDue = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        notDue.add(insert(keyDestroyedAt(now.plusMillis(1 + i))));
      }
      List<Integer> sizes = new ArrayList<>();
      List<EpochKeyId> destroyed = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        List<EpochKeyId> batch = store.destroyDue(now, 10);
        sizes.add(batch.size());
        destroyed.addAll(batch);
      }
      assertEquals(List.of(10, 10, 5, 0), sizes, "batch sizes");
      assertEquals(25, destroyed.size(), "destroyed in total (duplicates count twice)");
      assertEquals(due, new HashSet<>(destroyed), "exactly the due keys");
      for (StoredEpochKey k : notDue) {
        assertKeyEquals(k, store.find(k.id(), now).orElse(null), "not yet due, must be intact");
      }
      for (EpochKeyId id : due) {
        assertEquals(Optional.empty(), store.find(id, T0), "a destroyed key is gone, even for an earlier now");
      }
    }

    @Test
    @DisplayName("a key is due at its destroyAt, not 1 ms before")
    void boundary() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      assertEquals(List.of(), store.destroyDue(k.destroyAt().minusMillis(1), 10), "1 ms before destroyAt");
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "intact");
      assertEquals(List.of(k.id()), store.destroyDue(k.destroyAt(), 10), "at destroyAt");
    }

    @Test
    @DisplayName("is idempotent: once everything due is gone, destroying again (or at an earlier now) returns nothing")
    void idempotent() {
      for (int i = 0; i < 5; i++) {
        insert(keyDestroyedAt(T0.plusSeconds(i)));
      }
      StoredEpochKey later = insert(keyDestroyedAt(T0.plusSeconds(100)));
      assertEquals(List.of(), store.destroyDue(T0.minusMillis(1), 100), "nothing is due before T0");
      assertEquals(5, store.destroyDue(T0.plusSeconds(10), 100).size());
      assertEquals(List.of(), store.destroyDue(T0.plusSeconds(10), 100));
      assertEquals(List.of(), store.destroyDue(T0.plusSeconds(5), 100));
      assertKeyEquals(later, store.find(later.id(), T0.plusSeconds(10)).orElse(null), "not due");
    }

    @Test
    @DisplayName("a destroyed key is gone for find, live and rewrap")
    void destroyed_isGoneEverywhere() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      store.destroyDue(k.destroyAt(), 10);
      assertEquals(Optional.empty(), store.find(k.id(), T0));
      assertEquals(List.of(), store.live(T0, null, 10));
      assertFalse(store.rewrap(k.id(), 0, bytes(30), T0), "rewrap of a destroyed key");
      assertEquals(Optional.empty(), store.find(k.id(), T0), "rewrap must not bring it back");
    }

    @Test
    @DisplayName("four destroyers at once, each looping until a batch comes back short, destroy each due key"
        + " exactly once and leave none behind")
    void concurrentDestroyers_exactlyOnce() {
      Instant now = T0.plus(Duration.ofDays(2));
      Set<EpochKeyId> due = new HashSet<>();
      for (int i = 0; i < 120; i++) {
        due.add(insert(keyDestroyedAt(now.minusMillis(i))).id());
      }
      List<StoredEpochKey> notDue = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        notDue.add(insert(keyDestroyedAt(now.plusMillis(1 + i))));
      }
      List<List<EpochKeyId>> perDestroyer = Race.run(4, t -> () -> {
        List<EpochKeyId> mine = new ArrayList<>();
        List<EpochKeyId> batch;
        do {
          batch = store.destroyDue(now, 7);
          assertTrue(batch.size() <= 7, "a batch never exceeds batchSize, got " + batch.size());
          mine.addAll(batch);
        } while (batch.size() == 7);
        return mine;
      });
      assertEquals(List.of(), store.destroyDue(now, 10_000), "due keys left after every destroyer saw a short batch");
      List<EpochKeyId> all = new ArrayList<>();
      perDestroyer.forEach(all::addAll);
      assertEquals(120, all.size(), "destroyed in total (duplicates count twice)");
      assertEquals(due, new HashSet<>(all), "exactly the due keys");
      for (StoredEpochKey k : notDue) {
        assertKeyEquals(k, store.find(k.id(), now).orElse(null), "not due, must be intact");
      }
    }
  }

  @Nested
  @DisplayName("live pages through the live keys in id order (tenant, class, window start, length), after a given id")
  class Live {

    @Test
    @DisplayName("pages of 3 over 10 keys inserted in shuffled order: id order, each once, a short last page")
    void pages_inIdOrder() {
      List<StoredEpochKey> expected = new ArrayList<>();
      for (String tenant : List.of("", "-", ".", "0", "_", "a", "a-b", "a.b", "ab", "b")) {
        expected.add(key(new EpochKeyId(tenant, "data", NOW_WINDOW.windowStartMillis(), NOW_WINDOW.windowLengthMillis())));
      }
      List<StoredEpochKey> shuffled = new ArrayList<>(expected);
      Collections.reverse(shuffled);
      Collections.swap(shuffled, 2, 7);
      shuffled.forEach(EpochKeyStoreCompatibilityKit.this::insert);
      List<StoredEpochKey> seen = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      EpochKeyId after = null;
      List<StoredEpochKey> page;
      do {
        page = store.live(T0, after, 3);
        sizes.add(page.size());
        seen.addAll(page);
        after = page.isEmpty() ? after : page.get(page.size() - 1).id();
      } while (page.size() == 3);
      assertEquals(List.of(3, 3, 3, 1), sizes, "page sizes");
      assertEquals(ids(expected), ids(seen), "id order: strings compare by character (a binary collation)");
      assertEquals(expected, seen, "every key as stored");
    }

    @Test
    @DisplayName("within a tenant, order is class, then window start, then window length")
    void order_classStartLength() {
      long start = NOW_WINDOW.windowStartMillis();
      List<EpochKeyId> expected = List.of(
          new EpochKeyId("t", "data", start, 3_600_000),
          new EpochKeyId("t", "data", start + 3_600_000, 60_000),
          new EpochKeyId("t", "data", start + 3_600_000, 1_800_000),
          new EpochKeyId("t", "data", start + 3_600_000, 3_600_000),
          new EpochKeyId("t", "data", start + 10 * 3_600_000, 3_600_000),
          new EpochKeyId("t", "data-x", start, 3_600_000),
          new EpochKeyId("t", "hpke", start, 3_600_000));
      List<EpochKeyId> shuffled = new ArrayList<>(expected);
      Collections.reverse(shuffled);
      shuffled.forEach(id -> insert(key(id)));
      assertEquals(expected, ids(store.live(T0, null, 100)));
    }

    @Test
    @DisplayName("after need not be stored: the page starts at the first id greater than it")
    void after_unstoredId() {
      long start = NOW_WINDOW.windowStartMillis();
      EpochKeyId a = new EpochKeyId("a", "data", start, 3_600_000);
      EpochKeyId c = new EpochKeyId("c", "data", start, 3_600_000);
      insert(key(a));
      insert(key(c));
      assertEquals(List.of(c), ids(store.live(T0, new EpochKeyId("b", "data", 0, 60_000), 10)));
      assertEquals(List.of(c), ids(store.live(T0, a, 10)), "strictly after");
      assertEquals(List.of(), ids(store.live(T0, c, 10)), "after the last");
      assertEquals(List.of(a, c), ids(store.live(T0, new EpochKeyId("", "data", 0, 60_000), 10)));
    }

    @Test
    @DisplayName("keys past destroyAt are skipped without shortening a page")
    void pastDestroyAt_skipped() {
      long start = NOW_WINDOW.windowStartMillis();
      List<EpochKeyId> liveIds = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        EpochKeyId id = new EpochKeyId("t" + i, "data", start, 3_600_000);
        if (i % 2 == 0) {
          insert(new StoredEpochKey(id, id.windowEnd(), 0, bytes(20))); // past at the now below
        } else {
          insert(key(id));
          liveIds.add(id);
        }
      }
      Instant now = NOW_WINDOW.windowEnd();
      assertEquals(liveIds, ids(store.live(now, null, 3)), "a full page of live keys");
      assertEquals(List.of(), store.live(now, liveIds.get(2), 3));
    }

    @Test
    @DisplayName("listing changes nothing")
    void live_changesNothing() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      store.live(T0, null, 10);
      store.live(k.destroyAt(), null, 10);
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "after listing");
    }
  }

  @Nested
  @DisplayName("rewrap is a compare-and-set on the version: version + 1, new bytes, same id and destroyAt")
  class Rewrap {

    @Test
    @DisplayName("the expected version replaces the bytes and increments the version; destroyAt stays")
    void rewrap_expectedVersion_replaces() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      byte[] next = bytes(StoredEpochKey.MAX_WRAPPED_BYTES);
      assertTrue(store.rewrap(k.id(), 0, next, T0));
      StoredEpochKey expected = k.withWrapped(next);
      assertKeyEquals(expected, store.find(k.id(), T0).orElse(null), "after one rewrap");
      assertEquals(1, expected.version());
      byte[] third = bytes(1);
      assertTrue(store.rewrap(k.id(), 1, third, T0));
      StoredEpochKey twice = store.find(k.id(), T0).orElse(null);
      assertKeyEquals(expected.withWrapped(third), twice, "after two rewraps");
      assertEquals(2, twice.version(), "version after two rewraps");
      assertEquals(k.destroyAt(), twice.destroyAt(), "destroyAt unchanged");
    }

    @Test
    @DisplayName("a stale or future version returns false and changes nothing")
    void rewrap_wrongVersion_false() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      assertTrue(store.rewrap(k.id(), 0, bytes(30), T0));
      StoredEpochKey current = store.find(k.id(), T0).orElseThrow();
      assertFalse(store.rewrap(k.id(), 0, bytes(31), T0), "stale version 0");
      assertFalse(store.rewrap(k.id(), 2, bytes(32), T0), "version 2 does not exist yet");
      assertKeyEquals(current, store.find(k.id(), T0).orElse(null), "unchanged by the failed rewraps");
    }

    @Test
    @DisplayName("an absent id returns false and creates nothing")
    void rewrap_absent_false() {
      StoredEpochKey other = insert(key(NOW_WINDOW));
      EpochKeyId absent = EpochKeyId.containing("", "data", T0.plus(HOUR), HOUR);
      assertFalse(store.rewrap(absent, 0, bytes(30), T0));
      assertEquals(Optional.empty(), store.find(absent, T0), "rewrap must not insert");
      assertEquals(List.of(other), store.live(T0, null, 10), "the other key is untouched");
    }

    @Test
    @DisplayName("a rewrap touches only its key")
    void rewrap_touchesOnlyItsKey() {
      StoredEpochKey a = insert(key(NOW_WINDOW));
      StoredEpochKey b = insert(key(EpochKeyId.containing("", "hpke", T0, HOUR)));
      assertTrue(store.rewrap(a.id(), 0, bytes(10), T0));
      assertKeyEquals(b, store.find(b.id(), T0).orElse(null), "the other key");
    }

    @Test
    @DisplayName("of " + RACERS + " threads re-wrapping version 0 at once, exactly one succeeds and its bytes are stored")
    void concurrentRewraps_exactlyOneWins() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      List<byte[]> candidates = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        candidates.add(bytes(20 + i));
      }
      List<Integer> winners = Race.run(RACERS, i -> () -> store.rewrap(k.id(), 0, candidates.get(i), T0) ? i : -1)
          .stream().filter(i -> i >= 0).collect(Collectors.toList());
      assertEquals(1, winners.size(), "successful rewraps of version 0");
      assertKeyEquals(k.withWrapped(candidates.get(winners.get(0))), store.find(k.id(), T0).orElse(null),
          "the winner's bytes at version 1");
    }
  }

  @Nested
  @DisplayName("misuse is a NullPointerException or IllegalArgumentException naming the argument, and changes nothing")
  class Arguments {

    @Test
    @DisplayName("null arguments are NullPointerExceptions naming the argument")
    void nulls() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      assertNpe("key", () -> store.insertIfAbsent(null));
      assertNpe("id", () -> store.find(null, T0));
      assertNpe("now", () -> store.find(k.id(), null));
      assertNpe("now", () -> store.destroyDue(null, 10));
      assertNpe("now", () -> store.live(null, null, 10));
      assertNpe("id", () -> store.rewrap(null, 0, bytes(1), T0));
      assertNpe("newWrapped", () -> store.rewrap(k.id(), 0, null, T0));
      assertNpe("now", () -> store.rewrap(k.id(), 0, bytes(1), null));
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "unchanged");
    }

    @Test
    @DisplayName("batchSize and limit outside 1 to 10,000 are IllegalArgumentExceptions; 1 and 10,000 are accepted")
    void batchAndLimitBounds() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      for (int bad : new int[] {0, -1, 10_001, Integer.MIN_VALUE}) {
        assertIae("batchSize", () -> store.destroyDue(k.destroyAt(), bad));
        assertIae("limit", () -> store.live(T0, null, bad));
      }
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "no rejected call destroyed anything");
      assertEquals(List.of(k), store.live(T0, null, 1), "limit 1");
      assertEquals(List.of(k), store.live(T0, null, 10_000), "limit 10,000");
      assertEquals(List.of(), store.destroyDue(T0, 10_000), "batchSize 10,000");
      assertEquals(List.of(k.id()), store.destroyDue(k.destroyAt(), 1), "batchSize 1");
    }

    @Test
    @DisplayName("rewrap with no bytes, more than 4096 bytes or a negative version is an IllegalArgumentException")
    void rewrapBounds() {
      StoredEpochKey k = insert(key(NOW_WINDOW));
      assertIae("newWrapped", () -> store.rewrap(k.id(), 0, new byte[0], T0));
      assertIae("newWrapped", () -> store.rewrap(k.id(), 0, new byte[StoredEpochKey.MAX_WRAPPED_BYTES + 1], T0));
      assertIae("expectedVersion", () -> store.rewrap(k.id(), -1, bytes(1), T0));
      assertKeyEquals(k, store.find(k.id(), T0).orElse(null), "unchanged");
    }
  }

  // ----------------------------------------------------------------------------------------- helpers

  /** Inserts a key that must be new, and returns it. */
  private StoredEpochKey insert(StoredEpochKey k) {
    assertKeyEquals(k, store.insertIfAbsent(k), "insert of a new id");
    return k;
  }

  /** A key of {@code id} destroyed five minutes after its window, with 60 random bytes. */
  static StoredEpochKey key(EpochKeyId id) {
    return new StoredEpochKey(id, destroyAtOf(id), 0, bytes(60));
  }

  /** A key with a tenant of its own, destroyed at {@code destroyAt}, of the 1-minute window that ends by then. */
  private StoredEpochKey keyDestroyedAt(Instant destroyAt) {
    String tenant = String.format("kit-%05d", tenants.incrementAndGet());
    EpochKeyId id = EpochKeyId.containing(tenant, "data", destroyAt.minus(Duration.ofMinutes(1)), Duration.ofMinutes(1));
    return new StoredEpochKey(id, destroyAt, 0, bytes(48));
  }

  static Instant destroyAtOf(EpochKeyId id) {
    return id.windowEnd().plus(GRACE);
  }

  static byte[] bytes(int n) {
    return SubmissionBuilder.randomBytes(n);
  }

  static List<EpochKeyId> ids(List<StoredEpochKey> keys) {
    return keys.stream().map(StoredEpochKey::id).collect(Collectors.toList());
  }

  static void assertKeyEquals(StoredEpochKey expected, StoredEpochKey actual, String what) {
    assertNotNull(actual, what + ": expected " + expected + " but found nothing");
    assertEquals(expected.id(), actual.id(), what + ": id");
    assertEquals(expected.destroyAt(), actual.destroyAt(), what + ": destroyAt");
    assertEquals(expected.version(), actual.version(), what + ": version");
    assertBytes(expected.wrapped(), actual.wrapped(), what + ": wrapped bytes");
    assertEquals(expected, actual, what);
  }

  static void assertBytes(byte[] expected, byte[] actual, String what) {
    if (!Arrays.equals(expected, actual)) {
      fail(what + " differ: expected " + expected.length + " bytes, got " + actual.length
          + ", first difference at byte " + Arrays.mismatch(expected, actual));
    }
  }

  private static void assertNpe(String argument, Runnable call) {
    NullPointerException e = assertThrows(NullPointerException.class, call::run);
    assertTrue(e.getMessage() != null && e.getMessage().contains(argument),
        "the NullPointerException must name '" + argument + "', got: " + e.getMessage());
  }

  private static void assertIae(String argument, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage() != null && e.getMessage().contains(argument),
        "the IllegalArgumentException must name '" + argument + "', got: " + e.getMessage());
  }
}
