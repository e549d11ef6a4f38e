package dev.lhn.secureforms.tck;

import static dev.lhn.secureforms.tck.SubmissionBuilder.randomId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lhn.secureforms.DuplicateSubmissionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link SubmissionStore} contract as tests. Extend it, return a fresh and empty store from
 * {@link #createStore()}, and run it with JUnit 5:
 *
 * <pre>{@code
 * class MyStoreCompatibilityTest extends SubmissionStoreCompatibilityKit {
 *   @Override
 *   protected SubmissionStore createStore() {
 *     return new MyStore(...);   // fresh and empty for every test
 *   }
 * }
 * }</pre>
 *
 * <p>Each nested group proves one part of the contract and its display name says which. The kit never reads
 * the wall clock: every {@code now} it passes is derived from the fixed instant {@link #T0}. Envelopes are
 * random bytes (a store never sees plaintext, so no key and no crypto are needed). The concurrency groups
 * race {@value #RACERS} threads; a store that is exact for one JVM this way is not thereby proven exact
 * across JVMs, which a shared-database store should test as well.
 */
public abstract class SubmissionStoreCompatibilityKit {

  /** The fixed instant the kit's clock starts at (millisecond precision, not the wall clock). */
  protected static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");

  /** Threads in every race. */
  protected static final int RACERS = 32;

  private static final Duration DAY = Duration.ofDays(1);

  private SubmissionStore store;

  /**
   * A fresh, empty store for one test. Called before every test; the store must not share submissions
   * with any store returned earlier.
   *
   * @return a new, empty store
   */
  protected abstract SubmissionStore createStore();

  /**
   * Called after every test with the store {@link #createStore()} returned; release it here.
   *
   * @param store the store the test used
   */
  protected void dropStore(SubmissionStore store) {}

  /** Creates the store for the next test through {@link #createStore()}. */
  @BeforeEach
  protected final void createStoreForKit() {
    store = createStore();
    assertNotNull(store, "createStore() returned null");
  }

  /** Hands the test's store to {@link #dropStore(SubmissionStore)}. */
  @AfterEach
  protected final void dropStoreForKit() {
    if (store != null) {
      SubmissionStore s = store;
      store = null;
      dropStore(s);
    }
  }

  /** {@return the store of the running test} */
  protected final SubmissionStore store() {
    return store;
  }

  // ------------------------------------------------------------------------------------------ groups

  @Nested
  @DisplayName("insert and find: a stored submission comes back equal, and finding it consumes nothing")
  class InsertAndFind {

    @Test
    @DisplayName("a submission is found equal to what was inserted, envelope byte for byte")
    void insert_thenFind_returnsEqual() {
      StoredSubmission s = submission().build();
      store.insert(s);
      assertStoredEquals(s, store.find(s.metadata().id(), T0).orElse(null), "find after insert");
    }

    @Test
    @DisplayName("every field round-trips: unicode previews in form order, field retention, nulls and extremes")
    void roundTrip_keepsEveryField() {
      Map<String, String> unicode = new LinkedHashMap<>();
      unicode.put("zeta", "last field first: order is form order, not alphabetical");
      unicode.put("pan", "Visa ****4242");
      unicode.put("name", "J\u00f6rg \u00c5ngstr\u00f6m \u0416\u0443\u043a \u674e\u5c0f\u9f99 \u05e9\u05dc\u05d5\u05dd");
      unicode.put("emoji", "\uD83D\uDD12 \uD83D\uDCB3 \uD83C\uDDE9\uD83C\uDDEA");
      unicode.put("quotes", "\"quoted\" 'single' back\\slash {json:[1]} <b>&amp;</b> %_ ;--");
      unicode.put("blank", "");
      List<StoredSubmission> variants = List.of(
          // every optional field null, both maps empty, smallest envelope
          submission().revealWindow(null).purgeAfterConversationEnd(null).conversationEndedAt(null)
              .preview(Map.of()).envelopeSize(1).build(),
          // every optional field set, several views taken already, rules of every shape
          submission().version(7).views(5, 3).revealWindow(Duration.ofMinutes(10).plusMillis(1))
              .purgeAfterConversationEnd(Duration.ofHours(1)).conversationEndedAt(T0.plusSeconds(61).plusMillis(7))
              .expiresAt(T0.plus(Duration.ofDays(366))).purgeAt(T0.plus(DAY).plusMillis(999))
              .fieldRetention("cvc", RetentionPolicy.afterConversationEnd(Duration.ZERO))
              .fieldRetention("note", RetentionPolicy.maxAge(Duration.ofHours(2)).andAfterConversationEnd(Duration.ofMinutes(30)))
              .fieldRetention("pan", RetentionPolicy.maxAge(Duration.ofMillis(1_234_567)))
              .fieldRetention("plain", RetentionPolicy.none())
              .preview(unicode).build(),
          // a maximal conversation id, another form, large version numbers
          submission().conversation("c".repeat(SubmissionMetadata.MAX_CONVERSATION_ID_LENGTH - 3) + "\u00e9\u4e2d\u00df")
              .formId("health.intake-v2_X").schemaVersion(1_000_000).version(Long.MAX_VALUE - 1)
              .views(Integer.MAX_VALUE, Integer.MAX_VALUE).build());
      for (StoredSubmission s : variants) {
        store.insert(s);
      }
      for (StoredSubmission s : variants) {
        StoredSubmission found = store.find(s.metadata().id(), T0).orElse(null);
        assertStoredEquals(s, found, "round trip of " + s);
        assertEquals(List.copyOf(s.metadata().preview().keySet()), List.copyOf(found.metadata().preview().keySet()),
            "preview fields must keep their (form) order");
        assertEquals(List.copyOf(s.metadata().fieldRetention().keySet()),
            List.copyOf(found.metadata().fieldRetention().keySet()), "field retention must keep its order");
      }
    }

    @Test
    @DisplayName("an envelope holding every byte value 0x00 to 0xFF comes back unchanged")
    void envelope_everyByteValue_roundTrips() {
      byte[] all = new byte[4 * 256];
      for (int i = 0; i < all.length; i++) {
        all[i] = (byte) (i < 512 ? i : 255 - i);
      }
      StoredSubmission s = submission().envelope(all).build();
      store.insert(s);
      assertArrayEquals(all, store.find(s.metadata().id(), T0).orElseThrow().envelope());
    }

    @Test
    @DisplayName("finding never takes a view: after five finds the submission is unchanged and every view is left")
    void find_neverConsumes() {
      StoredSubmission s = submission().views(2, 2).revealWindow(Duration.ofMinutes(5)).build();
      store.insert(s);
      for (int i = 0; i < 5; i++) {
        assertStoredEquals(s, store.find(s.metadata().id(), T0.plusSeconds(i)).orElse(null), "find #" + (i + 1));
      }
      assertEquals(Optional.of(2), store.claim(s.metadata().id(), T0.plusSeconds(10), c -> c.metadata().viewsLeft()));
    }

    @Test
    @DisplayName("many submissions live side by side, each found as it was stored")
    void manySubmissions_eachFound() {
      List<StoredSubmission> all = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        StoredSubmission s = submission().conversation("conv-" + (i % 7)).purgeAt(T0.plusSeconds(60 + i)).build();
        store.insert(s);
        all.add(s);
      }
      for (StoredSubmission s : all) {
        assertStoredEquals(s, store.find(s.metadata().id(), T0).orElse(null), "find of " + s.metadata().id());
      }
    }
  }

  @Nested
  @DisplayName("a duplicate id is rejected with DuplicateSubmissionException and the stored one is unchanged")
  class DuplicateId {

    @Test
    @DisplayName("inserting an existing id throws DuplicateSubmissionException; the first submission stays as it was")
    void insert_existingId_throwsAndKeepsFirst() {
      StoredSubmission first = submission().views(3, 3).build();
      store.insert(first);
      StoredSubmission second = submission().id(first.metadata().id()).views(1, 1).conversation("other")
          .envelopeSize(50).build();
      assertThrows(DuplicateSubmissionException.class, () -> store.insert(second));
      assertStoredEquals(first, store.find(first.metadata().id(), T0).orElse(null), "the first submission");
      assertEquals(List.of(), store.findByConversation("other", T0), "the duplicate must not be visible");
    }

    @Test
    @DisplayName("an id is taken even while its submission is due but not yet purged")
    void insert_idOfDueSubmission_throws() {
      StoredSubmission due = submission().purgeAt(T0).build();
      store.insert(due);
      StoredSubmission again = submission().id(due.metadata().id()).build();
      assertThrows(DuplicateSubmissionException.class, () -> store.insert(again));
      assertEquals(Optional.of(due.metadata()), store.delete(due.metadata().id()), "the due submission as it was");
    }

    @Test
    @DisplayName("of " + RACERS + " threads inserting the same id at once, exactly one succeeds")
    void concurrentInserts_sameId_exactlyOneWins() {
      SubmissionId id = randomId();
      List<StoredSubmission> candidates = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        candidates.add(submission().id(id).envelopeSize(100 + i).build());
      }
      List<Integer> winners = race(RACERS, i -> () -> {
        try {
          store.insert(candidates.get(i));
          return i;
        } catch (DuplicateSubmissionException e) {
          return -1;
        }
      }).stream().filter(i -> i >= 0).collect(Collectors.toList());
      assertEquals(1, winners.size(), "successful inserts of one id");
      assertStoredEquals(candidates.get(winners.get(0)), store.find(id, T0).orElse(null), "the winner's submission");
    }
  }

  /** Evidence for tests: one record about {@code s}, and its outbox message. */
  private static dev.lhn.secureforms.spi.Evidence evidence(dev.lhn.secureforms.journal.JournalEvent e, StoredSubmission s) {
    dev.lhn.secureforms.journal.JournalRecord r = dev.lhn.secureforms.journal.JournalRecord.of(e, T0)
        .withData(s.metadata().id(), s.metadata().formId(), s.metadata().schemaVersion(), s.metadata().conversationId());
    return new dev.lhn.secureforms.spi.Evidence(List.of(r), List.of(new dev.lhn.secureforms.spi.OutboxMessage(r.id(),
        "submission", s.metadata().id().toString(), e.wireName(), r.toJson(), T0)));
  }

  private List<dev.lhn.secureforms.journal.JournalEvent> history(StoredSubmission s) {
    return store.journal().history(s.metadata().id(), 100).stream()
        .map(dev.lhn.secureforms.journal.JournalRecord::event).toList();
  }

  @Nested
  @DisplayName("journal and outbox: every change writes its evidence atomically with it, no evidence no change")
  class Journal {

    @Test
    @DisplayName("insert, claim, replace, delete and purgeDue write their records and outbox messages with the change")
    void everyChange_writesItsEvidence() {
      StoredSubmission a = submission().views(2, 2).build();
      store.insert(a, evidence(dev.lhn.secureforms.journal.JournalEvent.SUBMITTED, a));
      assertEquals(Optional.of(1), store.claim(a.metadata().id(), T0.plusSeconds(1), c -> 1,
          c -> evidence(dev.lhn.secureforms.journal.JournalEvent.REVEALED, c)));
      StoredSubmission now = store.find(a.metadata().id(), T0.plusSeconds(1)).orElseThrow();
      assertTrue(store.replace(now.withMetadata(now.metadata().withVersion(now.metadata().version() + 1)),
          now.metadata().version(), evidence(dev.lhn.secureforms.journal.JournalEvent.CONVERSATION_ENDED, a)));
      assertTrue(store.delete(a.metadata().id(), m -> evidence(dev.lhn.secureforms.journal.JournalEvent.PURGED, a))
          .isPresent());
      assertEquals(List.of(dev.lhn.secureforms.journal.JournalEvent.SUBMITTED,
          dev.lhn.secureforms.journal.JournalEvent.REVEALED, dev.lhn.secureforms.journal.JournalEvent.CONVERSATION_ENDED,
          dev.lhn.secureforms.journal.JournalEvent.PURGED), history(a), "the records, in order");
      StoredSubmission due = submission().purgeAt(T0.plusSeconds(5)).build();
      store.insert(due);
      assertEquals(1, store.purgeDue(T0.plusSeconds(6), 10,
          b -> evidence(dev.lhn.secureforms.journal.JournalEvent.PURGED, due)).size());
      assertEquals(List.of(dev.lhn.secureforms.journal.JournalEvent.PURGED), history(due));
      List<String> types = new ArrayList<>();
      store.outbox().drain(100, batch -> batch.forEach(m -> types.add(m.type())));
      assertEquals(List.of("submission.submitted", "submission.revealed", "submission.conversation_ended",
          "submission.purged", "submission.purged"), types, "the outbox, oldest first");
      assertEquals(0, store.outbox().drain(100, batch -> fail("drained twice")));
    }

    @Test
    @DisplayName("a claim whose evidence cannot be made changes nothing: the view is still there, no record")
    void claim_evidenceFails_viewStays() {
      StoredSubmission s = submission().build();
      store.insert(s);
      assertThrows(ActionError.class, () -> store.claim(s.metadata().id(), T0.plusSeconds(1), c -> 1, c -> {
        throw new ActionError();
      }));
      assertStoredEquals(s, store.find(s.metadata().id(), T0.plusSeconds(1)).orElse(null), "the view is intact");
      assertEquals(List.of(), history(s));
      assertEquals(Optional.of(2), store.claim(s.metadata().id(), T0.plusSeconds(2), c -> 2,
          c -> evidence(dev.lhn.secureforms.journal.JournalEvent.REVEALED, c)), "a later claim works");
      assertEquals(List.of(dev.lhn.secureforms.journal.JournalEvent.REVEALED), history(s));
    }

    @Test
    @DisplayName("a replace that loses its compare-and-set writes no evidence")
    void replace_lost_writesNothing() {
      StoredSubmission s = submission().build();
      store.insert(s);
      assertFalse(store.replace(s.withMetadata(s.metadata().withVersion(6)), 5,
          evidence(dev.lhn.secureforms.journal.JournalEvent.CONVERSATION_ENDED, s)));
      assertEquals(List.of(), history(s));
    }

    @Test
    @DisplayName("pending records are chained in insertion order under a lock; read returns them by position")
    void seal_chainsPendingInOrder() {
      StoredSubmission s = submission().build();
      store.journal().createChain(new dev.lhn.secureforms.spi.ChainState(new byte[40], 0, new byte[32], 0, new byte[32]));
      for (dev.lhn.secureforms.journal.JournalEvent e : List.of(dev.lhn.secureforms.journal.JournalEvent.SUBMITTED,
          dev.lhn.secureforms.journal.JournalEvent.REVEALED, dev.lhn.secureforms.journal.JournalEvent.PURGED)) {
        store.journal().append(evidence(e, s));
      }
      assertEquals(3, store.journal().pendingCount());
      assertEquals(3, store.journal().seal(100, (head, pending) -> {
        assertEquals(0, head.count());
        List<byte[]> macs = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
          byte[] m = new byte[32];
          m[0] = (byte) (i + 1);
          macs.add(m);
        }
        return macs;
      }));
      assertEquals(0, store.journal().pendingCount());
      var chained = store.journal().read(0, 100);
      assertEquals(List.of(1L, 2L, 3L), chained.stream().map(dev.lhn.secureforms.spi.StoredRecord::position).toList());
      assertEquals(List.of(dev.lhn.secureforms.journal.JournalEvent.SUBMITTED,
          dev.lhn.secureforms.journal.JournalEvent.REVEALED, dev.lhn.secureforms.journal.JournalEvent.PURGED),
          chained.stream().map(r -> r.record().event()).toList());
      assertEquals(3, store.journal().chainState().orElseThrow().count());
      assertEquals(3, store.journal().chainState().orElseThrow().head()[0]);
    }
  }

  @Nested
  @DisplayName("a claim takes one view: runs the action on the submission as it was, then deletes or counts down")
  class Claim {

    @Test
    @DisplayName("the last view runs the action with the stored submission, returns its result, and deletes it")
    void claim_lastView_runsActionAndDeletes() {
      StoredSubmission s = submission().build();
      store.insert(s);
      List<StoredSubmission> seen = new ArrayList<>();
      Optional<String> r = store.claim(s.metadata().id(), T0.plusSeconds(1), c -> {
        seen.add(c);
        return "opened";
      });
      assertEquals(Optional.of("opened"), r);
      assertEquals(1, seen.size(), "action runs");
      assertStoredEquals(s, seen.get(0), "the action's submission");
      assertEquals(Optional.empty(), store.find(s.metadata().id(), T0.plusSeconds(1)), "after the last view");
      AtomicInteger runs = new AtomicInteger();
      assertEquals(Optional.empty(), store.claim(s.metadata().id(), T0.plusSeconds(2), c -> runs.incrementAndGet()));
      assertEquals(0, runs.get(), "no action runs for a submission that is gone");
      assertEquals(Optional.empty(), store.delete(s.metadata().id()), "the last view deleted the row");
    }

    @Test
    @DisplayName("a view that is not the last stores exactly metadata.afterView(now): one view fewer, version + 1")
    void claim_notLastView_storesAfterView() {
      StoredSubmission s = submission().views(3, 3).build();
      store.insert(s);
      Instant now = T0.plusSeconds(30);
      Optional<StoredSubmission> claimed = store.claim(s.metadata().id(), now, c -> c);
      assertStoredEquals(s, claimed.orElse(null), "the action sees the submission before the view is taken");
      StoredSubmission expected = s.withMetadata(s.metadata().afterView(now));
      assertStoredEquals(expected, store.find(s.metadata().id(), now).orElse(null), "after one of three views");
      assertEquals(2, expected.metadata().viewsLeft());
      assertEquals(1, expected.metadata().version());
    }

    @Test
    @DisplayName("an unknown id claims nothing and never runs the action")
    void claim_unknownId_returnsEmpty() {
      store.insert(submission().build());
      AtomicInteger runs = new AtomicInteger();
      assertEquals(Optional.empty(), store.claim(randomId(), T0, c -> runs.incrementAndGet()));
      assertEquals(0, runs.get());
    }

    @Test
    @DisplayName("claims of one submission leave the others untouched")
    void claim_touchesOnlyItsSubmission() {
      StoredSubmission a = submission().views(2, 2).conversation("shared").build();
      StoredSubmission b = submission().views(2, 2).conversation("shared").build();
      store.insert(a);
      store.insert(b);
      store.claim(a.metadata().id(), T0.plusSeconds(1), c -> 1);
      store.claim(a.metadata().id(), T0.plusSeconds(2), c -> 1);
      assertEquals(Optional.empty(), store.find(a.metadata().id(), T0.plusSeconds(3)));
      assertStoredEquals(b, store.find(b.metadata().id(), T0.plusSeconds(3)).orElse(null), "the other submission");
    }
  }

  @Nested
  @DisplayName("claims are exact under concurrency: " + RACERS + " threads never take more views than allowed")
  class ClaimConcurrency {

    @Test
    @DisplayName(RACERS + " threads racing on the same submissions take exactly maxViews views of each, each view once")
    void racingClaims_takeExactlyMaxViews() {
      List<StoredSubmission> subs = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        subs.add(submission().build());
      }
      for (int i = 0; i < 8; i++) {
        subs.add(submission().views(4, 4).revealWindow(Duration.ofHours(1)).build());
      }
      subs.forEach(store::insert);
      Map<SubmissionId, AtomicInteger> wins = new ConcurrentHashMap<>();
      // The states whose claims returned: a store may run an action on a state it then loses (an
      // optimistic compare-and-set), but only the committed view's result comes back.
      Map<SubmissionId, ConcurrentLinkedQueue<Integer>> viewsSeen = new ConcurrentHashMap<>();
      Map<SubmissionId, ConcurrentLinkedQueue<Long>> versionsSeen = new ConcurrentHashMap<>();
      for (StoredSubmission s : subs) {
        wins.put(s.metadata().id(), new AtomicInteger());
        viewsSeen.put(s.metadata().id(), new ConcurrentLinkedQueue<>());
        versionsSeen.put(s.metadata().id(), new ConcurrentLinkedQueue<>());
      }
      Instant now = T0.plusSeconds(5);
      race(RACERS, t -> () -> {
        List<StoredSubmission> order = new ArrayList<>(subs);
        Collections.shuffle(order, new java.util.Random(t));
        for (StoredSubmission s : order) {
          SubmissionId id = s.metadata().id();
          Optional<SubmissionMetadata> got = store.claim(id, now, c -> {
            Thread.yield();
            return c.metadata();
          });
          if (got.isPresent()) {
            assertEquals(id, got.get().id(), "the claim returns its own action's result");
            viewsSeen.get(id).add(got.get().viewsLeft());
            versionsSeen.get(id).add(got.get().version());
            wins.get(id).incrementAndGet();
          }
        }
        return null;
      });
      for (StoredSubmission s : subs) {
        SubmissionMetadata m = s.metadata();
        assertEquals(m.maxViews(), wins.get(m.id()).get(), "successful claims of " + m.id());
        List<Integer> views = new ArrayList<>(viewsSeen.get(m.id()));
        Collections.sort(views);
        List<Integer> expected = new ArrayList<>();
        for (int v = 1; v <= m.maxViews(); v++) {
          expected.add(v);
        }
        assertEquals(expected, views, "viewsLeft returned by the claims of " + m.id() + ": each state claimed once");
        List<Long> versions = new ArrayList<>(versionsSeen.get(m.id()));
        Collections.sort(versions);
        List<Long> expectedVersions = new ArrayList<>();
        for (long v = 0; v < m.maxViews(); v++) {
          expectedVersions.add(v);
        }
        assertEquals(expectedVersions, versions, "versions returned by the claims of " + m.id());
        assertEquals(Optional.empty(), store.find(m.id(), now), "after its last view: " + m.id());
      }
    }

    @Test
    @DisplayName("actions that throw under contention roll back: the views are still taken exactly once each")
    void racingClaims_withFailingActions_stayExact() {
      List<StoredSubmission> subs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        subs.add(submission().build());
        subs.add(submission().views(3, 3).build());
      }
      subs.forEach(store::insert);
      Map<SubmissionId, AtomicInteger> wins = new ConcurrentHashMap<>();
      subs.forEach(s -> wins.put(s.metadata().id(), new AtomicInteger()));
      AtomicInteger actionRuns = new AtomicInteger();
      AtomicInteger failures = new AtomicInteger();
      AtomicInteger discarded = new AtomicInteger();
      Instant now = T0.plusSeconds(5);
      race(RACERS, t -> () -> {
        java.util.Random rnd = new java.util.Random(t);
        List<StoredSubmission> order = new ArrayList<>(subs);
        Collections.shuffle(order, rnd);
        for (StoredSubmission s : order) {
          SubmissionId id = s.metadata().id();
          while (true) {
            boolean refuse = rnd.nextInt(3) == 0;
            try {
              Optional<Result> got = store.claim(id, now, c -> {
                actionRuns.incrementAndGet();
                if (refuse) {
                  throw new ActionFailure("refused in the kit");
                }
                return new Result(discarded);
              });
              got.ifPresent(x -> {
                assertFalse(x.closed, "a returned result was closed by the store");
                wins.get(id).incrementAndGet();
              });
              break;
            } catch (ActionFailure e) {
              failures.incrementAndGet();
            }
          }
        }
        return null;
      });
      int totalWins = 0;
      for (StoredSubmission s : subs) {
        assertEquals(s.metadata().maxViews(), wins.get(s.metadata().id()).get(), "successful claims of " + s);
        totalWins += wins.get(s.metadata().id()).get();
        assertEquals(Optional.empty(), store.find(s.metadata().id(), now));
      }
      assertEquals(totalWins + failures.get() + discarded.get(), actionRuns.get(),
          "every run of the action returned its result, threw, or had its result discarded (and closed)");
    }

    /** A claim result that counts the store closing it: what a store discards, it closes. */
    final class Result implements AutoCloseable {
      private final AtomicInteger closes;
      volatile boolean closed;

      Result(AtomicInteger closes) {
        this.closes = closes;
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          closes.incrementAndGet();
        }
      }
    }

    @Test
    @DisplayName("a claim and a delete racing for the same last view: exactly one of them gets the submission")
    void claimAndDelete_race_exactlyOneWins() {
      List<StoredSubmission> subs = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        subs.add(submission().build());
      }
      subs.forEach(store::insert);
      Map<SubmissionId, AtomicInteger> takers = new ConcurrentHashMap<>();
      subs.forEach(s -> takers.put(s.metadata().id(), new AtomicInteger()));
      race(RACERS, t -> () -> {
        List<StoredSubmission> order = new ArrayList<>(subs);
        Collections.shuffle(order, new java.util.Random(t));
        for (StoredSubmission s : order) {
          SubmissionId id = s.metadata().id();
          boolean took = t % 2 == 0
              ? store.claim(id, T0, c -> Boolean.TRUE).isPresent()
              : store.delete(id).isPresent();
          if (took) {
            takers.get(id).incrementAndGet();
          }
        }
        return null;
      });
      for (StoredSubmission s : subs) {
        assertEquals(1, takers.get(s.metadata().id()).get(), "claims plus deletes that got " + s.metadata().id());
      }
    }

    @Test
    @DisplayName("a claim and a purge racing for the same submission: exactly one of them gets it")
    void claimAndPurge_race_exactlyOneWins() {
      List<StoredSubmission> subs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        subs.add(submission().purgeAt(T0.plusSeconds(10)).build());
      }
      subs.forEach(store::insert);
      Map<SubmissionId, AtomicInteger> takers = new ConcurrentHashMap<>();
      subs.forEach(s -> takers.put(s.metadata().id(), new AtomicInteger()));
      race(RACERS, t -> () -> {
        if (t % 4 == 0) {
          List<SubmissionMetadata> batch;
          do {
            batch = store.purgeDue(T0.plusSeconds(10), 3).purged();
            batch.forEach(m -> takers.get(m.id()).incrementAndGet());
          } while (!batch.isEmpty());
        } else {
          List<StoredSubmission> order = new ArrayList<>(subs);
          Collections.shuffle(order, new java.util.Random(t));
          for (StoredSubmission s : order) {
            SubmissionId id = s.metadata().id();
            // the claimer's clock is 5 s behind the purger's: not due for it
            if (store.claim(id, T0.plusSeconds(5), c -> Boolean.TRUE).isPresent()) {
              takers.get(id).incrementAndGet();
            }
          }
        }
        return null;
      });
      for (StoredSubmission s : subs) {
        assertEquals(1, takers.get(s.metadata().id()).get(), "claims plus purges that got " + s.metadata().id());
      }
    }
  }

  @Nested
  @DisplayName("a claim whose action throws changes nothing and rethrows the very same exception")
  class FailedClaim {

    @Test
    @DisplayName("view-once: the exception comes out unchanged and the submission is still there, unchanged")
    void claim_actionThrows_viewOnce_unchanged() {
      StoredSubmission s = submission().build();
      store.insert(s);
      ActionFailure failure = new ActionFailure("decryption failed in the kit");
      ActionFailure thrown = assertThrows(ActionFailure.class,
          () -> store.claim(s.metadata().id(), T0.plusSeconds(1), c -> {
            throw failure;
          }));
      assertSame(failure, thrown, "the action's exception, rethrown as is");
      assertStoredEquals(s, store.find(s.metadata().id(), T0.plusSeconds(1)).orElse(null), "after the failed claim");
      assertEquals(Optional.of(1), store.claim(s.metadata().id(), T0.plusSeconds(2), c -> 1),
          "the view is still there to take");
    }

    @Test
    @DisplayName("several views and a reveal window: views left, version and deadline stay as they were")
    void claim_actionThrows_multiView_unchanged() {
      StoredSubmission s = submission().views(3, 2).version(4).revealWindow(Duration.ofMinutes(10)).build();
      store.insert(s);
      ActionFailure failure = new ActionFailure("key unavailable");
      assertSame(failure, assertThrows(ActionFailure.class,
          () -> store.claim(s.metadata().id(), T0.plusSeconds(1), c -> {
            throw failure;
          })));
      assertStoredEquals(s, store.find(s.metadata().id(), T0.plusSeconds(1)).orElse(null), "after the failed claim");
    }

    @Test
    @DisplayName("an Error thrown by the action also rolls back and comes out unchanged")
    void claim_actionThrowsError_unchanged() {
      StoredSubmission s = submission().build();
      store.insert(s);
      ActionError error = new ActionError();
      assertSame(error, assertThrows(ActionError.class,
          () -> store.claim(s.metadata().id(), T0, c -> {
            throw error;
          })));
      assertStoredEquals(s, store.find(s.metadata().id(), T0).orElse(null), "after the failed claim");
    }
  }

  @Nested
  @DisplayName("view-count limits: exactly maxViews views, and the reveal window moves purgeAt")
  class ViewLimits {

    @Test
    @DisplayName("three views allowed: three claims see 3, 2, 1 views left and versions 0, 1, 2; the fourth finds nothing")
    void threeViews_thenGone() {
      StoredSubmission s = submission().views(3, 3).build();
      store.insert(s);
      SubmissionId id = s.metadata().id();
      List<String> seen = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        store.claim(id, T0.plusSeconds(i), c -> seen.add(c.metadata().viewsLeft() + "@v" + c.metadata().version()));
      }
      assertEquals(List.of("3@v0", "2@v1", "1@v2"), seen);
      assertEquals(Optional.empty(), store.find(id, T0.plusSeconds(5)));
    }

    @Test
    @DisplayName("a submission stored with one view left of several is deleted by the next claim")
    void oneViewLeftOfSeveral_nextClaimDeletes() {
      StoredSubmission s = submission().views(5, 1).version(4).build();
      store.insert(s);
      assertEquals(Optional.of(1), store.claim(s.metadata().id(), T0, c -> c.metadata().viewsLeft()));
      assertEquals(Optional.empty(), store.delete(s.metadata().id()));
    }

    @Test
    @DisplayName("the first view opens the reveal window: purgeAt moves to now + window, later views never extend it")
    void revealWindow_movesPurgeAt() {
      StoredSubmission s = submission().views(3, 3).revealWindow(Duration.ofMinutes(10)).build();
      store.insert(s);
      SubmissionId id = s.metadata().id();
      Instant first = T0.plusSeconds(60);
      store.claim(id, first, c -> 1);
      StoredSubmission afterFirst = store.find(id, first).orElseThrow();
      assertEquals(first.plus(Duration.ofMinutes(10)), afterFirst.metadata().purgeAt(), "purgeAt after the first view");
      assertStoredEquals(s.withMetadata(s.metadata().afterView(first)), afterFirst, "after the first view");
      Instant second = first.plus(Duration.ofMinutes(4));
      store.claim(id, second, c -> 1);
      StoredSubmission afterSecond = store.find(id, second).orElseThrow();
      assertEquals(first.plus(Duration.ofMinutes(10)), afterSecond.metadata().purgeAt(), "a later view never extends it");
      assertEquals(1, afterSecond.metadata().viewsLeft());
      Instant closes = afterSecond.metadata().purgeAt();
      assertTrue(store.find(id, closes.minusMillis(1)).isPresent(), "1 ms before the window closes");
      AtomicInteger runs = new AtomicInteger();
      assertEquals(Optional.empty(), store.claim(id, closes, c -> runs.incrementAndGet()), "when the window closes");
      assertEquals(0, runs.get());
      assertEquals(List.of(afterSecond.metadata()), store.purgeDue(closes, 10).purged(), "then it is purged as it was");
    }

    @Test
    @DisplayName("a reveal window reaching past purgeAt leaves purgeAt where it was")
    void revealWindow_neverExtendsPurgeAt() {
      StoredSubmission s = submission().views(2, 2).revealWindow(Duration.ofHours(2)).purgeAt(T0.plusSeconds(600)).build();
      store.insert(s);
      store.claim(s.metadata().id(), T0.plusSeconds(1), c -> 1);
      assertEquals(T0.plusSeconds(600), store.find(s.metadata().id(), T0.plusSeconds(1)).orElseThrow().metadata().purgeAt());
    }
  }

  @Nested
  @DisplayName("due submissions (purgeAt <= now) are never claimed, found or listed, purged or not")
  class Due {

    @Test
    @DisplayName("at purgeAt exactly it is due; 1 ms earlier it is not")
    void boundary_purgeAtEqualsNow_isDue() {
      Instant deadline = T0.plusSeconds(3600);
      StoredSubmission s = submission().conversation("due-boundary").purgeAt(deadline).build();
      store.insert(s);
      SubmissionId id = s.metadata().id();
      Instant before = deadline.minusMillis(1);
      assertStoredEquals(s, store.find(id, before).orElse(null), "find 1 ms before purgeAt");
      assertEquals(1, store.findByConversation("due-boundary", before).size(), "listed 1 ms before purgeAt");
      assertEquals(Optional.empty(), store.find(id, deadline), "find at purgeAt");
      assertEquals(List.of(), store.findByConversation("due-boundary", deadline), "listed at purgeAt");
      assertEquals(Optional.empty(), store.find(id, deadline.plusSeconds(1)), "find after purgeAt");
    }

    @Test
    @DisplayName("a due submission is not claimed, the action does not run, and the row is left for the purge")
    void claim_due_doesNothing() {
      StoredSubmission s = submission().views(2, 2).purgeAt(T0.plusSeconds(10)).build();
      store.insert(s);
      AtomicInteger runs = new AtomicInteger();
      assertEquals(Optional.empty(), store.claim(s.metadata().id(), T0.plusSeconds(10), c -> runs.incrementAndGet()));
      assertEquals(Optional.empty(), store.claim(s.metadata().id(), T0.plusSeconds(11), c -> runs.incrementAndGet()));
      assertEquals(0, runs.get(), "the action of a due submission must not run");
      assertEquals(List.of(s.metadata()), store.purgeDue(T0.plusSeconds(10), 10).purged(), "the purge gets it unchanged");
    }

    @Test
    @DisplayName("purgeAt == now + 1 ms is not due: it is found, claimed and left alone by the purge")
    void notYetDue_byOneMillisecond() {
      Instant now = T0.plusSeconds(100);
      StoredSubmission s = submission().purgeAt(now.plusMillis(1)).build();
      store.insert(s);
      assertEquals(List.of(), store.purgeDue(now, 10).purged(), "not due yet");
      assertEquals(Optional.of("taken"), store.claim(s.metadata().id(), now, c -> "taken"));
    }
  }

  @Nested
  @DisplayName("conversation lookups list exactly the not-due submissions of that conversation id")
  class Conversations {

    @Test
    @DisplayName("lists the conversation's submissions that are not due, and nothing of other conversations")
    void findByConversation_listsExactly() {
      StoredSubmission a = submission().conversation("conv-A").build();
      StoredSubmission b = submission().conversation("conv-A").views(2, 1).version(1).build();
      StoredSubmission due = submission().conversation("conv-A").purgeAt(T0.plusSeconds(1)).build();
      StoredSubmission other = submission().conversation("conv-B").build();
      List.of(a, b, due, other).forEach(store::insert);
      assertSameSubmissions(List.of(a, b), store.findByConversation("conv-A", T0.plusSeconds(1)), "conv-A");
      assertSameSubmissions(List.of(a, b, due), store.findByConversation("conv-A", T0), "conv-A before the deadline");
      assertSameSubmissions(List.of(other), store.findByConversation("conv-B", T0), "conv-B");
      assertEquals(List.of(), store.findByConversation("conv-C", T0), "an unknown conversation");
    }

    @Test
    @DisplayName("ids match exactly: case, trailing spaces, accents and LIKE wildcards make different conversations")
    void findByConversation_matchesExactly() {
      List<String> ids = List.of("conv-1", "Conv-1", "CONV-1", "conv-1 ", " conv-1", "conv-10", "conv_1", "conv%",
          "conv-\u00e9", "conv-e\u0301", "conv-\u00c9");
      Map<String, StoredSubmission> byConversation = new LinkedHashMap<>();
      for (String c : ids) {
        StoredSubmission s = submission().conversation(c).build();
        store.insert(s);
        byConversation.put(c, s);
      }
      for (String c : ids) {
        assertSameSubmissions(List.of(byConversation.get(c)), store.findByConversation(c, T0), "conversation '" + c + "'");
      }
      assertEquals(List.of(), store.findByConversation("conv-", T0), "a prefix matches nothing");
      assertEquals(List.of(), store.findByConversation("conv_", T0), "a wildcard pattern matches nothing");
    }

    @Test
    @DisplayName("the listing shows the current state: views taken and replacements")
    void findByConversation_showsCurrentState() {
      StoredSubmission s = submission().conversation("conv-current").views(3, 3).build();
      store.insert(s);
      store.claim(s.metadata().id(), T0.plusSeconds(1), c -> 1);
      StoredSubmission current = store.find(s.metadata().id(), T0.plusSeconds(1)).orElseThrow();
      assertSameSubmissions(List.of(current), store.findByConversation("conv-current", T0.plusSeconds(1)), "after a view");
    }

    @Test
    @DisplayName("a deleted submission is no longer listed, at any time")
    void findByConversation_afterDelete_notListed() {
      StoredSubmission gone = submission().conversation("conv-deleted").build();
      StoredSubmission kept = submission().conversation("conv-deleted").build();
      store.insert(gone);
      store.insert(kept);
      assertTrue(store.delete(gone.metadata().id()).isPresent());
      assertSameSubmissions(List.of(kept), store.findByConversation("conv-deleted", T0), "after the delete");
      assertSameSubmissions(List.of(kept), store.findByConversation("conv-deleted", T0.minus(DAY)),
          "after the delete, asked with an earlier now");
    }

    @Test
    @DisplayName("a submission claimed for its last view is no longer listed")
    void findByConversation_afterLastView_notListed() {
      StoredSubmission once = submission().conversation("conv-claimed").build();
      StoredSubmission twice = submission().conversation("conv-claimed").views(2, 2).build();
      store.insert(once);
      store.insert(twice);
      assertEquals(Optional.of(1), store.claim(once.metadata().id(), T0, c -> 1));
      assertEquals(Optional.of(2), store.claim(twice.metadata().id(), T0, c -> 2));
      StoredSubmission twiceNow = store.find(twice.metadata().id(), T0).orElseThrow();
      assertSameSubmissions(List.of(twiceNow), store.findByConversation("conv-claimed", T0), "after one view each");
      assertEquals(Optional.of(3), store.claim(twice.metadata().id(), T0, c -> 3));
      assertEquals(List.of(), store.findByConversation("conv-claimed", T0), "after the last views");
      assertEquals(List.of(), store.findByConversation("conv-claimed", T0.minus(DAY)), "asked with an earlier now");
    }

    @Test
    @DisplayName("a purged submission is no longer listed, even when asked with a now before its deadline")
    void findByConversation_afterPurge_notListed() {
      StoredSubmission due = submission().conversation("conv-purged").purgeAt(T0.plusSeconds(5)).build();
      StoredSubmission kept = submission().conversation("conv-purged").build();
      store.insert(due);
      store.insert(kept);
      assertEquals(List.of(due.metadata()), store.purgeDue(T0.plusSeconds(5), 10).purged());
      assertSameSubmissions(List.of(kept), store.findByConversation("conv-purged", T0), "before its old deadline");
    }
  }

  @Nested
  @DisplayName("ended conversations are recorded, keep their earliest end, are remembered for as long as asked, then forgotten")
  class EndedConversations {

    @Test
    @DisplayName("an end is recorded and found while remembered; unknown conversations have none")
    void endConversation_thenFound() {
      assertEquals(Optional.empty(), store.conversationEndedAt("conv-end-1", T0), "before the end");
      assertEquals(T0, store.endConversation("conv-end-1", T0, T0.plus(DAY)));
      assertEquals(Optional.of(T0), store.conversationEndedAt("conv-end-1", T0.plusSeconds(1)));
      assertEquals(Optional.of(T0), store.conversationEndedAt("conv-end-1", T0.plus(DAY).minusMillis(1)),
          "1 ms before it is forgotten");
      assertEquals(Optional.empty(), store.conversationEndedAt("conv-end-1", T0.plus(DAY)),
          "no longer remembered at rememberUntil");
      assertEquals(Optional.empty(), store.conversationEndedAt("conv-end-2", T0), "another conversation");
      assertEquals(Optional.empty(), store.conversationEndedAt("CONV-END-1", T0), "ids match exactly");
    }

    @Test
    @DisplayName("insertUnlessEnded inserts with its evidence while the conversation is open, inserts nothing"
        + " and writes nothing once its end is remembered (and returns the end), and inserts again once it is"
        + " forgotten; a taken id is a DuplicateSubmissionException")
    void insertUnlessEnded_insertsOnlyWhileTheConversationIsOpen() {
      StoredSubmission open = submission().conversation("conv-unless").build();
      assertEquals(Optional.empty(), store.insertUnlessEnded(open, evidence(JournalEvent.SUBMITTED, open), T0));
      assertStoredEquals(open, store.find(open.metadata().id(), T0).orElse(null), "inserted");
      assertEquals(List.of(JournalEvent.SUBMITTED), history(open), "with its evidence");
      assertThrows(DuplicateSubmissionException.class,
          () -> store.insertUnlessEnded(open, Evidence.NONE, T0), "a taken id");

      store.endConversation("conv-unless", T0.plusSeconds(5), T0.plusSeconds(60));
      StoredSubmission late = submission().conversation("conv-unless").build();
      assertEquals(Optional.of(T0.plusSeconds(5)),
          store.insertUnlessEnded(late, evidence(JournalEvent.SUBMITTED, late), T0.plusSeconds(10)));
      assertEquals(Optional.empty(), store.find(late.metadata().id(), T0.plusSeconds(10)), "nothing inserted");
      assertEquals(List.of(), history(late), "no evidence of an insert that did not happen");
      StoredSubmission other = submission().conversation("conv-unless-2").build();
      assertEquals(Optional.empty(), store.insertUnlessEnded(other, Evidence.NONE, T0.plusSeconds(10)),
          "another conversation is open");

      StoredSubmission later = submission().conversation("conv-unless").build();
      assertEquals(Optional.empty(), store.insertUnlessEnded(later, Evidence.NONE, T0.plusSeconds(60)),
          "the end is no longer remembered at rememberUntil");
      assertStoredEquals(later, store.find(later.metadata().id(), T0.plusSeconds(60)).orElse(null), "inserted");
    }

    @Test
    @DisplayName("ending again keeps the earlier end and the later memory, in either order")
    void endConversation_twice_keepsEarliestEndAndLatestMemory() {
      assertEquals(T0.plusSeconds(10), store.endConversation("conv-twice", T0.plusSeconds(10), T0.plus(DAY)));
      assertEquals(T0.plusSeconds(10), store.endConversation("conv-twice", T0.plusSeconds(20), T0.plus(DAY).plus(DAY)),
          "a later end changes nothing");
      assertEquals(Optional.of(T0.plusSeconds(10)), store.conversationEndedAt("conv-twice", T0.plus(DAY).plusSeconds(1)),
          "the later memory counts");
      assertEquals(T0, store.endConversation("conv-twice", T0, T0.plusSeconds(1)), "an earlier end wins");
      assertEquals(Optional.of(T0), store.conversationEndedAt("conv-twice", T0.plus(DAY).plusSeconds(1)),
          "and the shorter memory did not shorten it");
    }

    @Test
    @DisplayName("forgetting removes only what is no longer remembered, in batches")
    void forgetEndedConversations_inBatches() {
      for (int i = 0; i < 5; i++) {
        store.endConversation("conv-old-" + i, T0, T0.plusSeconds(60));
      }
      store.endConversation("conv-recent", T0, T0.plus(DAY));
      assertEquals(0, store.forgetEndedConversations(T0.plusSeconds(59), 10), "nothing forgotten early");
      assertEquals(3, store.forgetEndedConversations(T0.plusSeconds(60), 3));
      assertEquals(2, store.forgetEndedConversations(T0.plusSeconds(60), 3));
      assertEquals(0, store.forgetEndedConversations(T0.plusSeconds(60), 3));
      assertEquals(Optional.of(T0), store.conversationEndedAt("conv-recent", T0.plusSeconds(60)), "still remembered");
      assertEquals(Optional.empty(), store.conversationEndedAt("conv-old-0", T0), "forgotten at any now");
      assertEquals(T0.plusSeconds(70), store.endConversation("conv-old-0", T0.plusSeconds(70), T0.plus(DAY)),
          "a forgotten conversation can end again");
      assertThrows(IllegalArgumentException.class, () -> store.forgetEndedConversations(T0, 0));
      assertThrows(IllegalArgumentException.class, () -> store.forgetEndedConversations(T0, 10_001));
    }

    @Test
    @DisplayName("rememberUntil before endedAt is an IllegalArgumentException, nothing recorded")
    void endConversation_memoryBeforeEnd_throws() {
      assertThrows(IllegalArgumentException.class,
          () -> store.endConversation("conv-bad", T0, T0.minusMillis(1)));
      assertEquals(Optional.empty(), store.conversationEndedAt("conv-bad", T0.minus(DAY)));
    }

    @Test
    @DisplayName(RACERS + " threads ending the same conversation with different ends all see the earliest")
    void endConversation_race_earliestWins() {
      List<Instant> seen = race(RACERS,
          i -> () -> store.endConversation("conv-race", T0.plusSeconds(RACERS - i), T0.plus(DAY)));
      Instant earliest = T0.plusSeconds(1);
      assertEquals(Optional.of(earliest), store.conversationEndedAt("conv-race", T0));
      for (Instant t : seen) {
        assertFalse(t.isBefore(earliest), "no thread saw an end before any given");
      }
    }
  }

  @Nested
  @DisplayName("replace is a compare-and-set on the row version")
  class Replace {

    @Test
    @DisplayName("with the current version it replaces metadata and envelope, and the new state is what is found")
    void replace_currentVersion_succeeds() {
      StoredSubmission s = submission().purgeAfterConversationEnd(Duration.ZERO.plusMinutes(30))
          .fieldRetention("cvc", RetentionPolicy.afterConversationEnd(Duration.ZERO)).build();
      store.insert(s);
      StoredSubmission ended = new StoredSubmission(s.metadata().withConversationEnded(T0.plusSeconds(60)),
          SubmissionBuilder.randomBytes(333));
      assertTrue(store.replace(ended, 0), "replace with the current version");
      assertStoredEquals(ended, store.find(s.metadata().id(), T0.plusSeconds(61)).orElse(null), "after replace");
      StoredSubmission rotated = new StoredSubmission(ended.metadata().withVersion(2), SubmissionBuilder.randomBytes(400));
      assertTrue(store.replace(rotated, 1), "a second replace (key rotation) with the new version");
      assertStoredEquals(rotated, store.find(s.metadata().id(), T0.plusSeconds(61)).orElse(null), "after rotation");
    }

    @Test
    @DisplayName("with a stale expected version it returns false and changes nothing")
    void replace_staleVersion_fails() {
      StoredSubmission s = submission().views(3, 3).build();
      store.insert(s);
      store.claim(s.metadata().id(), T0.plusSeconds(1), c -> 1); // version 0 -> 1
      StoredSubmission current = store.find(s.metadata().id(), T0.plusSeconds(1)).orElseThrow();
      StoredSubmission stale = s.withMetadata(s.metadata().withConversationEnded(T0.plusSeconds(2)));
      assertFalse(store.replace(stale, 0), "replace expecting version 0 after a claim made it 1");
      assertStoredEquals(current, store.find(s.metadata().id(), T0.plusSeconds(2)).orElse(null), "unchanged");
    }

    @Test
    @DisplayName("of " + RACERS + " threads replacing from the same version, exactly one succeeds")
    void replace_race_exactlyOneWins() {
      StoredSubmission s = submission().build();
      store.insert(s);
      List<StoredSubmission> candidates = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        candidates.add(new StoredSubmission(s.metadata().withVersion(1), SubmissionBuilder.randomBytes(64 + i)));
      }
      List<Integer> winners = race(RACERS, i -> () -> store.replace(candidates.get(i), 0) ? i : -1)
          .stream().filter(i -> i >= 0).collect(Collectors.toList());
      assertEquals(1, winners.size(), "successful replaces from version 0");
      assertStoredEquals(candidates.get(winners.get(0)), store.find(s.metadata().id(), T0).orElse(null), "the winner");
    }

    @Test
    @DisplayName("a replacement whose version is not expectedVersion + 1 is an IllegalArgumentException, nothing changed")
    void replace_wrongReplacementVersion_throws() {
      StoredSubmission s = submission().version(3).build();
      store.insert(s);
      StoredSubmission sameVersion = s.withMetadata(s.metadata().withVersion(3));
      StoredSubmission skipped = s.withMetadata(s.metadata().withVersion(5));
      assertThrows(IllegalArgumentException.class, () -> store.replace(sameVersion, 3));
      assertThrows(IllegalArgumentException.class, () -> store.replace(skipped, 3));
      assertStoredEquals(s, store.find(s.metadata().id(), T0).orElse(null), "unchanged");
    }

    @Test
    @DisplayName("an absent id returns false and inserts nothing")
    void replace_absent_returnsFalse() {
      StoredSubmission s = submission().version(1).build();
      assertFalse(store.replace(s, 0));
      assertEquals(Optional.empty(), store.find(s.metadata().id(), T0));
      assertEquals(Optional.empty(), store.delete(s.metadata().id()));
    }

    @Test
    @DisplayName("a replacement that moves purgeAt is due at its new deadline and purged as replaced")
    void replace_movesDeadline() {
      StoredSubmission s = submission().purgeAfterConversationEnd(Duration.ZERO).build();
      store.insert(s);
      StoredSubmission ended = s.withMetadata(s.metadata().withConversationEnded(T0.plusSeconds(30)));
      assertEquals(T0.plusSeconds(30), ended.metadata().purgeAt());
      assertTrue(store.replace(ended, 0));
      assertEquals(List.of(), store.purgeDue(T0.plusSeconds(29), 10).purged(), "before the new deadline");
      assertEquals(Optional.empty(), store.find(s.metadata().id(), T0.plusSeconds(30)), "due at the new deadline");
      assertEquals(List.of(ended.metadata()), store.purgeDue(T0.plusSeconds(30), 10).purged(), "purged as replaced");
    }
  }

  @Nested
  @DisplayName("delete removes a submission now, due or not, and returns its metadata as it was")
  class Delete {

    @Test
    @DisplayName("returns the metadata as it was (after views taken); afterwards the id is gone")
    void delete_returnsMetadataAsItWas() {
      StoredSubmission s = submission().views(3, 3).revealWindow(Duration.ofMinutes(5)).build();
      store.insert(s);
      store.claim(s.metadata().id(), T0.plusSeconds(1), c -> 1);
      SubmissionMetadata current = store.find(s.metadata().id(), T0.plusSeconds(1)).orElseThrow().metadata();
      assertEquals(Optional.of(current), store.delete(s.metadata().id()));
      assertEquals(Optional.empty(), store.find(s.metadata().id(), T0.plusSeconds(1)));
      assertEquals(Optional.empty(), store.delete(s.metadata().id()), "a second delete");
      assertEquals(List.of(), store.purgeDue(T0.plus(DAY).plus(DAY), 10).purged(), "nothing left to purge");
    }

    @Test
    @DisplayName("deletes a due submission too")
    void delete_due() {
      StoredSubmission s = submission().purgeAt(T0).build();
      store.insert(s);
      assertEquals(Optional.of(s.metadata()), store.delete(s.metadata().id()));
      assertEquals(List.of(), store.purgeDue(T0, 10).purged());
    }

    @Test
    @DisplayName("deletes only its own submission")
    void delete_onlyItsOwn() {
      StoredSubmission a = submission().build();
      StoredSubmission b = submission().build();
      store.insert(a);
      store.insert(b);
      store.delete(a.metadata().id());
      assertStoredEquals(b, store.find(b.metadata().id(), T0).orElse(null), "the other submission");
    }
  }

  @Nested
  @DisplayName("purgeDue deletes due submissions in batches, exactly once each, and never one that is not due")
  class PurgeDue {

    @Test
    @DisplayName("25 due and 10 not due, batches of 10: 10, 10, 5, then 0; the others are intact")
    void purge_inBatches_exactCounts() {
      Instant now = T0.plusSeconds(1000);
      Map<SubmissionId, SubmissionMetadata> due = new HashMap<>();
      List<StoredSubmission> notDue = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        StoredSubmission s = submission().purgeAt(now.minusSeconds(i * 30L)).build();
        store.insert(s);
        due.put(s.metadata().id(), s.metadata());
      }
      for (int i = 0; i < 10; i++) {
        StoredSubmission s = submission().purgeAt(now.plusMillis(1 + i * 1000L)).build();
        store.insert(s);
        notDue.add(s);
      }
      List<Integer> sizes = new ArrayList<>();
      Map<SubmissionId, SubmissionMetadata> purged = new HashMap<>();
      for (int i = 0; i < 4; i++) {
        List<SubmissionMetadata> batch = store.purgeDue(now, 10).purged();
        sizes.add(batch.size());
        for (SubmissionMetadata m : batch) {
          assertEquals(null, purged.put(m.id(), m), "purged twice: " + m.id());
        }
      }
      assertEquals(List.of(10, 10, 5, 0), sizes, "batch sizes");
      assertEquals(due, purged, "the purged submissions and their metadata as it was");
      for (StoredSubmission s : notDue) {
        assertStoredEquals(s, store.find(s.metadata().id(), now).orElse(null), "not due, must be intact");
      }
    }

    @Test
    @DisplayName("is idempotent: once everything due is gone, purging again (or at an earlier now) returns nothing")
    void purge_idempotent() {
      for (int i = 0; i < 5; i++) {
        store.insert(submission().purgeAt(T0.plusSeconds(i)).build());
      }
      StoredSubmission later = submission().purgeAt(T0.plusSeconds(100)).build();
      store.insert(later);
      assertEquals(List.of(), store.purgeDue(T0.minusMillis(1), 100).purged(), "nothing is due before T0");
      assertEquals(5, store.purgeDue(T0.plusSeconds(10), 100).size());
      assertEquals(List.of(), store.purgeDue(T0.plusSeconds(10), 100).purged());
      assertEquals(List.of(), store.purgeDue(T0.plusSeconds(5), 100).purged());
      assertStoredEquals(later, store.find(later.metadata().id(), T0.plusSeconds(10)).orElse(null), "not due");
    }

    @Test
    @DisplayName("a run that passes the latest deadline it purged as dueFrom purges every due submission exactly"
        + " once, rows that share the cursor's deadline included, and nothing not yet due")
    void purge_withKeysetCursor_exactlyOnce() {
      Instant now = T0.plusSeconds(10_000);
      Set<SubmissionId> due = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        // deadlines in threes, so that batch boundaries (7) fall between rows of one deadline
        StoredSubmission s = submission().purgeAt(now.minusMillis(100 - i / 3)).build();
        store.insert(s);
        due.add(s.metadata().id());
      }
      List<StoredSubmission> notDue = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        StoredSubmission s = submission().purgeAt(now.plusMillis(1 + i)).build();
        store.insert(s);
        notDue.add(s);
      }
      List<SubmissionId> purged = new ArrayList<>();
      Instant from = null;
      PurgeBatch batch;
      do {
        batch = from == null ? store.purgeDue(now, 7, b -> Evidence.NONE)
            : store.purgeDue(now, 7, from, b -> Evidence.NONE);
        for (SubmissionMetadata m : batch.purged()) {
          purged.add(m.id());
          from = from == null || m.purgeAt().isAfter(from) ? m.purgeAt() : from;
        }
      } while (batch.size() == 7);
      assertEquals(40, purged.size(), "purged in total (duplicates count twice)");
      assertEquals(due, new HashSet<>(purged), "exactly the due submissions");
      for (StoredSubmission s : notDue) {
        assertStoredEquals(s, store.find(s.metadata().id(), now).orElse(null), "not due, must be intact");
      }
      assertEquals(List.of(), store.purgeDue(now, 100, now.minusSeconds(1), b -> Evidence.NONE).purged());
    }

    @Test
    @DisplayName("returns the metadata as it was at the purge, after views and replaces")
    void purge_returnsCurrentMetadata() {
      StoredSubmission s = submission().views(3, 3).revealWindow(Duration.ofMinutes(1)).build();
      store.insert(s);
      store.claim(s.metadata().id(), T0, c -> 1);
      SubmissionMetadata afterView = s.metadata().afterView(T0);
      assertEquals(List.of(afterView), store.purgeDue(T0.plusSeconds(60), 10).purged());
    }

    @Test
    @DisplayName("four purgers at once, each looping until a batch comes back short, purge each due submission"
        + " exactly once and leave none behind")
    void concurrentPurgers_exactlyOnce() {
      Instant now = T0.plusSeconds(10_000);
      Set<SubmissionId> due = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        StoredSubmission s = submission().purgeAt(now.minusMillis(i)).build();
        store.insert(s);
        due.add(s.metadata().id());
      }
      List<StoredSubmission> notDue = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        StoredSubmission s = submission().purgeAt(now.plusMillis(1 + i)).build();
        store.insert(s);
        notDue.add(s);
      }
      List<List<SubmissionId>> perPurger = race(4, t -> () -> {
        List<SubmissionId> mine = new ArrayList<>();
        List<SubmissionMetadata> batch;
        do {
          batch = store.purgeDue(now, 7).purged();
          assertTrue(batch.size() <= 7, "a batch never exceeds batchSize, got " + batch.size());
          batch.forEach(m -> mine.add(m.id()));
        } while (batch.size() == 7); // what callers do: a short batch means nothing is left to take
        return mine;
      });
      assertEquals(List.of(), store.purgeDue(now, 10_000).purged(),
          "due submissions left after every purger saw a short batch");
      List<SubmissionId> all = new ArrayList<>();
      perPurger.forEach(all::addAll);
      assertEquals(300, all.size(), "purged in total (duplicates count twice)");
      assertEquals(due, new HashSet<>(all), "exactly the due submissions");
      for (StoredSubmission s : notDue) {
        assertStoredEquals(s, store.find(s.metadata().id(), now).orElse(null), "not due, must be intact");
      }
    }

    @Test
    @DisplayName("a batch size outside 1 to 10,000 is an IllegalArgumentException; 1 and 10,000 are accepted")
    void purge_batchSizeBounds() {
      store.insert(submission().purgeAt(T0).build());
      assertThrows(IllegalArgumentException.class, () -> store.purgeDue(T0, 0).purged());
      assertThrows(IllegalArgumentException.class, () -> store.purgeDue(T0, -1).purged());
      assertThrows(IllegalArgumentException.class, () -> store.purgeDue(T0, 10_001).purged());
      assertEquals(1, store.purgeDue(T0, 1).size(), "batchSize 1");
      assertEquals(0, store.purgeDue(T0, 10_000).size(), "batchSize 10,000");
    }
  }

  @Nested
  @DisplayName("findFieldPurgeDue lists submissions holding a field past its own deadline, and changes nothing")
  class FieldPurgeDue {

    @Test
    @DisplayName("a field's maxAge deadline: listed from the deadline on, not 1 ms before")
    void fieldMaxAge_boundary() {
      StoredSubmission s = submission().fieldRetention("cvc", RetentionPolicy.maxAge(Duration.ofHours(1))).build();
      StoredSubmission plain = submission().build();
      store.insert(s);
      store.insert(plain);
      Instant deadline = T0.plus(Duration.ofHours(1));
      assertEquals(deadline, s.metadata().fieldPurgeAt());
      assertEquals(List.of(), store.findFieldPurgeDue(deadline.minusMillis(1), 10), "1 ms before the deadline");
      List<StoredSubmission> found = store.findFieldPurgeDue(deadline, 10);
      assertEquals(1, found.size(), "at the deadline");
      assertStoredEquals(s, found.get(0), "the listed submission");
      assertStoredEquals(s, store.find(s.metadata().id(), deadline).orElse(null), "listing changes nothing");
    }

    @Test
    @DisplayName("a rule after the conversation's end applies once a replace records the end")
    void fieldAfterConversationEnd_needsEnd() {
      StoredSubmission s = submission().fieldRetention("cvc", RetentionPolicy.afterConversationEnd(Duration.ZERO)).build();
      store.insert(s);
      Instant ended = T0.plusSeconds(600);
      assertEquals(List.of(), store.findFieldPurgeDue(ended, 10), "the conversation goes on: no field deadline");
      StoredSubmission after = s.withMetadata(s.metadata().withConversationEnded(ended));
      assertTrue(store.replace(after, 0));
      assertEquals(List.of(), store.findFieldPurgeDue(ended.minusMillis(1), 10), "before the end");
      List<StoredSubmission> found = store.findFieldPurgeDue(ended, 10);
      assertEquals(1, found.size(), "at the end");
      assertStoredEquals(after, found.get(0), "the replaced submission");
      StoredSubmission dropped = after.withMetadata(after.metadata().withoutFields(Set.of("cvc")));
      assertTrue(store.replace(dropped, 1), "drop the field");
      assertEquals(List.of(), store.findFieldPurgeDue(ended.plusSeconds(1), 10), "once the field is gone");
    }

    @Test
    @DisplayName("a submission due as a whole is not listed (the whole purge takes it)")
    void wholeSubmissionDue_notListed() {
      StoredSubmission s = submission().fieldRetention("cvc", RetentionPolicy.maxAge(Duration.ofMinutes(1)))
          .purgeAt(T0.plusSeconds(120)).build();
      store.insert(s);
      assertEquals(1, store.findFieldPurgeDue(T0.plusSeconds(119), 10).size(), "field due, submission not");
      assertEquals(List.of(), store.findFieldPurgeDue(T0.plusSeconds(120), 10), "both due");
    }

    @Test
    @DisplayName("returns at most limit submissions, each a distinct one with a due field")
    void limit_respected() {
      Set<SubmissionId> eligible = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        StoredSubmission s = submission().fieldRetention("cvc", RetentionPolicy.maxAge(Duration.ofSeconds(10 + i))).build();
        store.insert(s);
        eligible.add(s.metadata().id());
      }
      store.insert(submission().fieldRetention("cvc", RetentionPolicy.maxAge(Duration.ofHours(5))).build());
      List<StoredSubmission> three = store.findFieldPurgeDue(T0.plusSeconds(60), 3);
      assertEquals(3, three.size());
      Set<SubmissionId> ids = three.stream().map(x -> x.metadata().id()).collect(Collectors.toSet());
      assertEquals(3, ids.size(), "distinct submissions");
      assertTrue(eligible.containsAll(ids), "only submissions with a due field");
      assertEquals(eligible, store.findFieldPurgeDue(T0.plusSeconds(60), 10).stream().map(x -> x.metadata().id())
          .collect(Collectors.toSet()), "all with a due field");
    }
  }

  @Nested
  @DisplayName("large envelopes (64 KiB and StoredSubmission.MAX_ENVELOPE_BYTES) are kept byte for byte")
  class LargeEnvelopes {

    @Test
    @DisplayName("64 KiB + 1 byte: insert, find, replace, claim")
    void envelope64KiB() {
      StoredSubmission s = submission().views(2, 2).envelopeSize(64 * 1024 + 1).build();
      store.insert(s);
      assertStoredEquals(s, store.find(s.metadata().id(), T0).orElse(null), "find");
      StoredSubmission bigger = new StoredSubmission(s.metadata().withVersion(1),
          SubmissionBuilder.randomBytes(64 * 1024 + 17));
      assertTrue(store.replace(bigger, 0));
      Optional<StoredSubmission> claimed = store.claim(s.metadata().id(), T0.plusSeconds(1), c -> c);
      assertStoredEquals(bigger, claimed.orElse(null), "claim");
    }

    @Test
    @DisplayName("MAX_ENVELOPE_BYTES (1 MiB): insert, find, list, claim")
    void envelopeMax() {
      StoredSubmission s = submission().conversation("conv-large").envelopeSize(StoredSubmission.MAX_ENVELOPE_BYTES).build();
      store.insert(s);
      assertStoredEquals(s, store.find(s.metadata().id(), T0).orElse(null), "find");
      assertSameSubmissions(List.of(s), store.findByConversation("conv-large", T0), "list");
      assertStoredEquals(s, store.claim(s.metadata().id(), T0, c -> c).orElse(null), "claim");
      assertEquals(Optional.empty(), store.find(s.metadata().id(), T0));
    }
  }

  @Nested
  @DisplayName("unknown ids: find, claim, replace and delete report absence and create nothing")
  class UnknownIds {

    @Test
    @DisplayName("an id never stored is absent everywhere")
    void neverStored() {
      store.insert(submission().build());
      SubmissionId unknown = randomId();
      AtomicInteger runs = new AtomicInteger();
      assertEquals(Optional.empty(), store.find(unknown, T0));
      assertEquals(Optional.empty(), store.claim(unknown, T0, c -> runs.incrementAndGet()));
      assertEquals(0, runs.get());
      assertFalse(store.replace(submission().id(unknown).version(1).build(), 0));
      assertEquals(Optional.empty(), store.delete(unknown));
      assertEquals(Optional.empty(), store.find(unknown, T0), "still absent");
    }

    @Test
    @DisplayName("an id whose submission was deleted is absent everywhere, and may be inserted again")
    void deleted() {
      StoredSubmission s = submission().build();
      store.insert(s);
      store.delete(s.metadata().id());
      assertEquals(Optional.empty(), store.find(s.metadata().id(), T0));
      assertEquals(Optional.empty(), store.claim(s.metadata().id(), T0, c -> 1));
      assertFalse(store.replace(s.withMetadata(s.metadata().withVersion(1)), 0));
      StoredSubmission again = submission().id(s.metadata().id()).build();
      store.insert(again);
      assertStoredEquals(again, store.find(s.metadata().id(), T0).orElse(null), "inserted again");
    }
  }

  // ----------------------------------------------------------------------------------------- helpers

  /** A view-once submission made at {@link #T0}, due a day later, with a random id and envelope. */
  static SubmissionBuilder submission() {
    return SubmissionBuilder.submittedAt(T0);
  }

  static void assertStoredEquals(StoredSubmission expected, StoredSubmission actual, String what) {
    assertNotNull(actual, what + ": expected " + expected + " but found nothing");
    assertEquals(expected.metadata(), actual.metadata(), what + ": metadata");
    byte[] e = expected.envelope();
    byte[] a = actual.envelope();
    if (!Arrays.equals(e, a)) {
      fail(what + ": envelope differs: expected " + e.length + " bytes, got " + a.length + ", first difference at byte "
          + Arrays.mismatch(e, a));
    }
    assertEquals(expected, actual, what);
  }

  static void assertArrayEquals(byte[] expected, byte[] actual) {
    if (!Arrays.equals(expected, actual)) {
      fail("envelope differs: expected " + expected.length + " bytes, got " + actual.length
          + ", first difference at byte " + Arrays.mismatch(expected, actual));
    }
  }

  static void assertSameSubmissions(List<StoredSubmission> expected, List<StoredSubmission> actual, String what) {
    Map<SubmissionId, StoredSubmission> byId = new HashMap<>();
    for (StoredSubmission s : actual) {
      assertEquals(null, byId.put(s.metadata().id(), s), what + ": listed twice: " + s.metadata().id());
    }
    assertEquals(expected.stream().map(s -> s.metadata().id()).collect(Collectors.toSet()), byId.keySet(), what + ": ids");
    for (StoredSubmission s : expected) {
      assertStoredEquals(s, byId.get(s.metadata().id()), what);
    }
  }

  /** Runs {@code threads} tasks at once and returns their results in task order: see {@link Race#run}. */
  static <T> List<T> race(int threads, IntFunction<Callable<T>> task) {
    return Race.run(threads, task);
  }

  /** What the kit's actions throw to abort a claim. */
  static final class ActionFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ActionFailure(String message) {
      super(message);
    }
  }

  /** An {@link Error} thrown by an action; a store must roll back for it too. */
  static final class ActionError extends Error {
    private static final long serialVersionUID = 1L;

    ActionError() {
      super("an error inside the claim action");
    }
  }
}
