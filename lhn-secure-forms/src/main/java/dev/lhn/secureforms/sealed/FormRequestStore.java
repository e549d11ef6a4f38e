package dev.lhn.secureforms.sealed;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.internal.InMemoryFormRequestStore;
import java.time.Instant;

/**
 * Remembers which form requests were used, so that a browser-sealed payload is accepted once (see
 * {@code docs/BROWSER.md}). A request id is consumed by {@link #consume} and remembered until its request
 * expires; an expired request is refused before this store is asked, so forgetting it then is safe. The
 * library ships {@link #inMemory()} and {@code JdbcFormRequestStore} ({@code lhn-secure-forms-jdbc});
 * {@code FormRequestStoreCompatibilityKit} ({@code lhn-secure-forms-tck}) turns this contract into tests.
 *
 * <h2>General contract</h2>
 * <ul>
 *   <li>Thread-safe, and exact when several application instances share the backing storage: of concurrent
 *       {@link #consume} calls for one id, exactly one returns {@code true}, on every instance.
 *   <li>A consumed id stays consumed until {@link #forgetExpired} runs at a time at or past its
 *       {@code expiresAt}, whatever else happens to the submission it created (revealed, purged).
 *   <li>Request ids are not secret but are never logged at more than debug level. Failures are
 *       {@link StoreException}s; a call that throws consumed nothing.
 *   <li>{@code now} is always passed in; stores never read a clock.
 * </ul>
 */
public interface FormRequestStore {

  /** The longest request id: 22 characters, base64url of 16 random bytes. */
  int MAX_REQUEST_ID_LENGTH = 22;

  /**
   * A thread-safe in-memory store that remembers at most 1,000,000 live request ids (for one JVM only).
   *
   * @return a new, empty store
   */
  static FormRequestStore inMemory() {
    return new InMemoryFormRequestStore(1_000_000);
  }

  /**
   * Compare-and-set: marks the request as used unless it already was, atomically.
   *
   * @param requestId the request's id, {@code [A-Za-z0-9_-]{1,22}}
   * @param expiresAt when the request expires: how long the id must be remembered
   * @param now the current time, before {@code expiresAt}
   * @return {@code true} if this call consumed it; {@code false} if it was consumed before (a replay)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code requestId} breaks its rule or {@code expiresAt <= now}
   * @throws StoreException if the store is full or fails; nothing was consumed
   */
  boolean consume(String requestId, Instant expiresAt, Instant now);

  /**
   * Forgets up to {@code batchSize} consumed ids whose request expired ({@code expiresAt <= now}).
   *
   * @param now the current time
   * @param batchSize 1 to 10,000
   * @return how many ids this call forgot; fewer than {@code batchSize} means none due is left
   * @throws NullPointerException if {@code now} is null
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   * @throws StoreException if the store fails
   */
  int forgetExpired(Instant now, int batchSize);

  /**
   * Checks the arguments of {@link #consume} as every store must: for implementations.
   *
   * @param requestId the request's id
   * @param expiresAt when it expires
   * @param now the current time
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code requestId} breaks its rule or {@code expiresAt <= now}
   */
  static void checkConsume(String requestId, Instant expiresAt, Instant now) {
    java.util.Objects.requireNonNull(requestId, "requestId");
    java.util.Objects.requireNonNull(expiresAt, "expiresAt");
    java.util.Objects.requireNonNull(now, "now");
    if (!requestId.matches("[A-Za-z0-9_-]{1,22}")) {
      throw new IllegalArgumentException("requestId must match [A-Za-z0-9_-]{1,22}, got '"
          + (requestId.length() > 30 ? requestId.substring(0, 30) + "..." : requestId) + "'");
    }
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException("expiresAt (" + expiresAt + ") must be after now (" + now + ")");
    }
  }

  /**
   * Checks the batch size of {@link #forgetExpired}: for implementations.
   *
   * @param now the current time
   * @param batchSize the batch size
   * @throws NullPointerException if {@code now} is null
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   */
  static void checkForget(Instant now, int batchSize) {
    java.util.Objects.requireNonNull(now, "now");
    if (batchSize < 1 || batchSize > 10_000) {
      throw new IllegalArgumentException("batchSize must be 1 to 10000, got " + batchSize);
    }
  }
}
