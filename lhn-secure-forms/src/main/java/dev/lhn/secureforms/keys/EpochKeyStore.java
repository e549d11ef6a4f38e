package dev.lhn.secureforms.keys;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.internal.InMemoryEpochKeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where wrapped epoch keys live (see {@code docs/KEYS.md}). The library ships {@link #inMemory()} and a JDBC
 * store ({@code lhn-secure-forms-jdbc}); integrators may write their own and prove it with
 * {@code EpochKeyStoreCompatibilityKit} ({@code lhn-secure-forms-tck}), which turns every sentence below
 * into tests.
 *
 * <p><b>Where it lives decides the guarantee.</b> A copy of this store's contents taken before a key was
 * destroyed (a backup, a replica kept for point-in-time recovery) brings that key back, and with it every
 * submission of its epoch: keep the store outside the submissions' backup domain.
 *
 * <h2>General contract</h2>
 * <ul>
 *   <li>Thread-safe, and exact when several application instances share the same backing storage: the
 *       storage, not the JVM, decides which of concurrent inserts wins and which call destroys a key.
 *   <li>"Past its destruction time at {@code now}" means {@code destroyAt <= now}. {@link #find},
 *       {@link #live} and {@link #rewrap} treat such a key as absent, whether or not it was deleted yet;
 *       {@link #insertIfAbsent} treats it as present until it is deleted.
 *   <li>Stores persist what they are given and return it equal ({@link StoredEpochKey#equals}), with
 *       {@code destroyAt} at millisecond precision.
 *   <li>The wrapped bytes are ciphertext, yet never logged nor put in a message. Failures are
 *       {@link StoreException}s whose messages carry no wrapped bytes; a method that throws has changed
 *       nothing. Misuse is a {@link NullPointerException} or {@link IllegalArgumentException} naming the
 *       argument.
 *   <li>{@code now} is always passed in; stores never read a clock.
 * </ul>
 */
public interface EpochKeyStore {

  /**
   * A thread-safe in-memory store holding at most 100,000 keys, which wipes the wrapped bytes it drops.
   *
   * @return a new, empty store
   */
  static EpochKeyStore inMemory() {
    return new InMemoryEpochKeyStore(100_000);
  }

  /**
   * Stores the key unless one with its id exists (a key past its destruction time counts as absent only once
   * deleted), atomically: afterwards it is fully visible or not at all. Exactly one of several concurrent
   * inserts of one id wins, on every instance; the others return the winner.
   *
   * @param key the key to store, normally at version 0
   * @return the key stored now: {@code key} itself, or the earlier key with its id, unchanged
   * @throws NullPointerException if {@code key} is null
   * @throws StoreException if the store is full or fails
   */
  StoredEpochKey insertIfAbsent(StoredEpochKey key);

  /**
   * The key with this id, unless it is absent or past its destruction time ({@code destroyAt <= now}): a key
   * past its destruction time is never returned, deleted yet or not. Never changes anything.
   *
   * @param id the key's id
   * @param now the current time
   * @return the key, or empty
   * @throws NullPointerException if an argument is null
   * @throws StoreException if the store fails
   */
  Optional<StoredEpochKey> find(EpochKeyId id, Instant now);

  /**
   * Deletes up to {@code batchSize} keys past their destruction time ({@code destroyAt <= now}), in one short
   * unit of work, and returns their ids. Idempotent and safe to run concurrently from several instances:
   * each deleted key is returned by exactly one call, a key not yet due is never touched, and a method that
   * throws deleted nothing. Callers loop until fewer than {@code batchSize} come back: a short batch means
   * every key due at {@code now} was deleted or is held by a concurrent call that deletes it.
   *
   * @param now the current time
   * @param batchSize 1 to 10,000
   * @return the ids of the keys deleted by this call, in no particular order
   * @throws NullPointerException if {@code now} is null
   * @throws IllegalArgumentException if {@code batchSize} is outside 1 to 10,000
   * @throws StoreException if the store fails
   */
  List<EpochKeyId> destroyDue(Instant now, int batchSize);

  /**
   * Up to {@code limit} live keys ({@code destroyAt > now}) in id order ({@link EpochKeyId#compareTo}: tenant,
   * key class, window start, window length), strictly after {@code after}: one page of the keys to re-wrap
   * on a rotation of the key-encryption key. Pass the last id of a page to get the next; a page shorter than
   * {@code limit} is the last. Never changes anything.
   *
   * @param now the current time
   * @param after the last id of the previous page, or {@code null} to start from the first
   * @param limit 1 to 10,000
   * @return the page, in id order
   * @throws NullPointerException if {@code now} is null
   * @throws IllegalArgumentException if {@code limit} is outside 1 to 10,000
   * @throws StoreException if the store fails
   */
  List<StoredEpochKey> live(Instant now, EpochKeyId after, int limit);

  /**
   * Compare-and-set re-wrap for a rotation of the key-encryption key: replaces the wrapped bytes of the key
   * with this id if its stored version is {@code expectedVersion} and it is live at {@code now}
   * ({@code destroyAt > now}); the stored version becomes {@code expectedVersion + 1}, its id and
   * {@code destroyAt} stay. Atomic with respect to every other call on the same id.
   *
   * @param id the key's id
   * @param expectedVersion the version the caller read, 0 to {@code Long.MAX_VALUE - 1}
   * @param newWrapped the key wrapped anew, 1 to {@value StoredEpochKey#MAX_WRAPPED_BYTES} bytes
   * @param now the current time
   * @return {@code true} if replaced; {@code false} if the key is absent, past its destruction time or at
   *     another version (nothing changed)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code expectedVersion} or the size of {@code newWrapped} is out of
   *     range
   * @throws StoreException if the store fails
   */
  boolean rewrap(EpochKeyId id, long expectedVersion, byte[] newWrapped, Instant now);
}
