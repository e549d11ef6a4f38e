package dev.lhn.secureforms.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.sealed.FormRequestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link FormRequestStore} contract as tests. Extend it and return a fresh, empty store from
 * {@link #createStore()}:
 *
 * <pre>{@code
 * class MyFormRequestStoreCompatibilityTest extends FormRequestStoreCompatibilityKit {
 *   @Override
 *   protected FormRequestStore createStore() {
 *     return new MyFormRequestStore(...);   // fresh and empty for every test
 *   }
 * }
 * }</pre>
 *
 * <p>The kit never reads the wall clock: every {@code now} is derived from {@link #T0}.
 */
public abstract class FormRequestStoreCompatibilityKit {
  /** The fixed instant the kit's clock starts at. */
  protected static final Instant T0 = Instant.parse("2031-03-14T09:26:53.589Z");
  /** Threads racing to consume one id. */
  protected static final int RACERS = 32;
  private static final Instant EXPIRES = T0.plus(Duration.ofHours(1));

  private FormRequestStore store;

  /** Creates the kit. */
  protected FormRequestStoreCompatibilityKit() {}

  /**
   * A fresh, empty store for one test.
   *
   * @return the store
   */
  protected abstract FormRequestStore createStore();

  @BeforeEach
  final void freshStore() {
    store = createStore();
  }

  /** Consumption is single use. */
  @Nested
  @DisplayName("consume: once per request id")
  class Consume {
    @Test
    @DisplayName("the first call consumes, every later call is a replay")
    void firstTrue_thenFalse() {
      assertTrue(store.consume("AAAAAAAAAAAAAAAAAAAAAA", EXPIRES, T0));
      assertFalse(store.consume("AAAAAAAAAAAAAAAAAAAAAA", EXPIRES, T0));
      assertFalse(store.consume("AAAAAAAAAAAAAAAAAAAAAA", EXPIRES.plusSeconds(60), T0.plusSeconds(1)));
    }

    @Test
    @DisplayName("ids are independent and case-sensitive")
    void idsIndependent_caseSensitive() {
      assertTrue(store.consume("abc-_1", EXPIRES, T0));
      assertTrue(store.consume("ABC-_1", EXPIRES, T0));
      assertTrue(store.consume("abc-_2", EXPIRES, T0));
      assertFalse(store.consume("ABC-_1", EXPIRES, T0));
    }

    @Test
    @DisplayName("of " + RACERS + " concurrent consumptions of one id exactly one wins")
    void race_exactlyOneWins() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(RACERS);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
          Callable<Boolean> c = () -> {
            start.await();
            return store.consume("race", EXPIRES, T0);
          };
          results.add(pool.submit(c));
        }
        start.countDown();
        int wins = 0;
        for (Future<Boolean> f : results) {
          wins += f.get() ? 1 : 0;
        }
        assertEquals(1, wins);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("misuse is a NullPointerException or IllegalArgumentException naming the argument")
    void misuse() {
      assertEquals("requestId", assertThrows(NullPointerException.class, () -> store.consume(null, EXPIRES, T0)).getMessage());
      assertEquals("expiresAt", assertThrows(NullPointerException.class, () -> store.consume("a", null, T0)).getMessage());
      assertEquals("now", assertThrows(NullPointerException.class, () -> store.consume("a", EXPIRES, null)).getMessage());
      for (String bad : List.of("", "a b", "\u00e4", "AAAAAAAAAAAAAAAAAAAAAAA", "a'; --")) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.consume(bad, EXPIRES, T0));
        assertTrue(e.getMessage().startsWith("requestId must match [A-Za-z0-9_-]{1,22}"), e.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> store.consume("a", T0, T0));
      assertTrue(store.consume("a", EXPIRES, T0), "a refused call consumed nothing");
    }
  }

  /** Consumed ids are forgotten only once expired. */
  @Nested
  @DisplayName("forgetExpired: only what expired, in batches")
  class Forget {
    @Test
    @DisplayName("an id is remembered until its expiry, then forgotten")
    void rememberedUntilExpiry() {
      assertTrue(store.consume("one", EXPIRES, T0));
      assertEquals(0, store.forgetExpired(EXPIRES.minusMillis(1), 100));
      assertFalse(store.consume("one", EXPIRES, EXPIRES.minusMillis(1)));
      assertEquals(1, store.forgetExpired(EXPIRES, 100));
      assertEquals(0, store.forgetExpired(EXPIRES, 100));
    }

    @Test
    @DisplayName("batches: a short batch means nothing due is left; live ids stay")
    void batches() {
      for (int i = 0; i < 5; i++) {
        assertTrue(store.consume("due" + i, T0.plusSeconds(10 + i), T0));
      }
      assertTrue(store.consume("live", EXPIRES, T0));
      Instant later = T0.plusSeconds(60);
      assertEquals(2, store.forgetExpired(later, 2));
      assertEquals(2, store.forgetExpired(later, 2));
      assertEquals(1, store.forgetExpired(later, 2));
      assertEquals(0, store.forgetExpired(later, 2));
      assertFalse(store.consume("live", EXPIRES, later));
    }

    @Test
    @DisplayName("the batch size is 1 to 10,000")
    void batchSize() {
      assertEquals("batchSize must be 1 to 10000, got 0",
          assertThrows(IllegalArgumentException.class, () -> store.forgetExpired(T0, 0)).getMessage());
      assertThrows(IllegalArgumentException.class, () -> store.forgetExpired(T0, 10_001));
      assertThrows(NullPointerException.class, () -> store.forgetExpired(null, 1));
    }
  }
}
