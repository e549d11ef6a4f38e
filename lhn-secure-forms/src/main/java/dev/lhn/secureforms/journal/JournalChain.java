package dev.lhn.secureforms.journal;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.KekUnavailableException;
import dev.lhn.secureforms.spi.ChainState;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.StoredRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The journal's forward-secure keyed chain (docs/JOURNAL.md, after Cossack Labs Acra's audit log):
 *
 * <pre>
 * k_1      = root key: 32 random bytes, stored wrapped by the KEK in the chain head
 * mac_n    = HMAC-SHA256(k_n, "lhnj1" || n (8 bytes) || mac_{n-1} || canonical(record_n))   mac_0 = 32 zero bytes
 * k_{n+1}  = HMAC-SHA256(k_n, "next")                                                     k_n is then wiped
 * </pre>
 *
 * <p>An instance holds only the key of the next position: whoever steals it (a heap dump) can append records
 * but cannot recompute the MAC of any earlier record, since HMAC cannot be run backwards. The verifier
 * unwraps the root key with the KEK and walks the chain forward.
 *
 * <p>An instance of this class is one instance's chainer: {@link #sealPending} gives pending records their
 * positions and MACs under the store's chain lock. Thread-safe.
 */
public final class JournalChain {
  /** Length of a MAC and of a chain key. */
  public static final int MAC_BYTES = 32;
  private static final byte[] ROOT_AD = "lhn-secure-forms journal root key v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NEXT = "next".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LABEL = "lhnj1".getBytes(StandardCharsets.US_ASCII);
  private static final int PAGE = 1000;

  private final Aead kek;
  private final JournalStore store;
  /** The key of position {@code keyPosition}, or {@code null} before the first use. */
  private byte[] key;
  private long keyPosition;

  /**
   * A chainer for {@code store}.
   *
   * @param kek the key-encryption key that wraps the chain's root key
   * @param store the journal
   */
  public JournalChain(Aead kek, JournalStore store) {
    this.kek = requireNonNull(kek, "kek");
    this.store = requireNonNull(store, "store");
  }

  /**
   * Creates the chain head if the store has none yet: a fresh root key, wrapped by the KEK. One KEK call.
   *
   * @param kek the key-encryption key
   * @param store the journal
   * @param random where the root key comes from
   * @return the head as stored (another instance's, if it was first)
   * @throws KekUnavailableException if the KEK failed
   */
  public static ChainState ensureChain(Aead kek, JournalStore store, SecureRandom random) {
    var existing = store.chainState();
    if (existing.isPresent()) {
      return existing.get();
    }
    byte[] root = new byte[MAC_BYTES];
    random.nextBytes(root);
    try {
      byte[] wrapped = kek.encrypt(root, ROOT_AD);
      return store.createChain(new ChainState(wrapped, 0, new byte[MAC_BYTES], 0, new byte[MAC_BYTES]));
    } catch (GeneralSecurityException e) {
      throw new KekUnavailableException("the key-encryption key could not wrap the journal's root key ("
          + e.getClass().getSimpleName() + ")");
    } finally {
      Arrays.fill(root, (byte) 0);
    }
  }

  /**
   * Chains up to {@code limit} pending records, if no other instance is chaining right now.
   *
   * @param limit 1 to 10,000
   * @return how many were chained, or -1 if another instance held the chain lock
   * @throws KekUnavailableException if the root key had to be unwrapped and the KEK failed
   */
  public synchronized int sealPending(int limit) {
    byte[][] after = new byte[1][];
    long[] afterPosition = new long[1];
    int n = store.seal(limit, (head, pending) -> {
      byte[] k = keyAt(head);
      byte[] prev = head.head();
      long pos = head.count();
      List<byte[]> macs = new ArrayList<>(pending.size());
      for (StoredRecord r : pending) {
        pos++;
        prev = mac(k, pos, prev, r.record());
        macs.add(prev);
        byte[] next = next(k);
        Arrays.fill(k, (byte) 0);
        k = next;
      }
      if (after[0] != null) {
        Arrays.fill(after[0], (byte) 0); // a retried unit of work: drop the first try's key
      }
      after[0] = k;
      afterPosition[0] = pos + 1;
      return macs;
    });
    if (n > 0) {
      wipe();
      key = after[0];
      keyPosition = afterPosition[0];
    } else if (after[0] != null) {
      Arrays.fill(after[0], (byte) 0);
    }
    return n;
  }

  /** A copy of the key of position {@code head.count() + 1}: ratcheted forward, or from the root. */
  private byte[] keyAt(ChainState head) {
    long want = head.count() + 1;
    if (key == null || keyPosition > want) {
      wipe();
      key = unwrapRoot(kek, head);
      keyPosition = 1;
    }
    while (keyPosition < want) {
      byte[] next = next(key);
      Arrays.fill(key, (byte) 0);
      key = next;
      keyPosition++;
    }
    return key.clone();
  }

  private void wipe() {
    if (key != null) {
      Arrays.fill(key, (byte) 0);
      key = null;
    }
  }

  /**
   * The chain's current head as a checkpoint to anchor elsewhere.
   *
   * @param store the journal
   * @return the checkpoint (count 0 before any record was chained)
   */
  public static Checkpoint checkpoint(JournalStore store) {
    return store.chainState().map(s -> new Checkpoint(s.count(), s.head()))
        .orElse(new Checkpoint(0, new byte[MAC_BYTES]));
  }

  /**
   * Verifies the chain: every chained record's position and MAC from retention's cut to the head, the head
   * itself, and the anchored checkpoint if one is given. Changes nothing.
   *
   * @param kek the key-encryption key that unwraps the chain's root key
   * @param store the journal
   * @param anchored the last checkpoint anchored elsewhere, or {@code null}
   * @return what was found; the first bad record, if any, is named by its position
   * @throws KekUnavailableException if the KEK cannot unwrap the root key
   */
  public static JournalVerification verify(Aead kek, JournalStore store, Checkpoint anchored) {
    requireNonNull(kek, "kek");
    requireNonNull(store, "store");
    long pending = store.pendingCount();
    List<StoredRecord> oldest = pending == 0 ? List.of() : store.pending(1);
    java.time.Instant oldestAt = oldest.isEmpty() ? null : oldest.get(0).record().at();
    var stateOpt = store.chainState();
    if (stateOpt.isEmpty()) {
      if (anchored != null && anchored.count() > 0) {
        return bad(0, 1, "the journal has no chain head, but a checkpoint at " + anchored.count() + " was anchored",
            null, pending, oldestAt);
      }
      boolean chainedRows = !store.read(0, 1).isEmpty();
      return chainedRows ? bad(0, 1, "chained records without a chain head", null, pending, oldestAt)
          : new JournalVerification(true, 0, 0, null, null, pending, oldestAt);
    }
    ChainState state = stateOpt.get();
    Checkpoint head = new Checkpoint(state.count(), state.head());
    byte[] k = unwrapRoot(kek, state);
    try {
      for (long i = 1; i <= state.purgedCount(); i++) {
        byte[] next = next(k);
        Arrays.fill(k, (byte) 0);
        k = next;
      }
      byte[] prev = state.purgedHead();
      long expected = state.purgedCount() + 1;
      long verified = 0;
      if (anchored != null && anchored.count() == state.purgedCount() && anchored.count() > 0
          && !MessageDigest.isEqual(anchored.head(), prev)) {
        return bad(verified, anchored.count(), "the anchored checkpoint does not match the retention cut", head,
            pending, oldestAt);
      }
      long after = state.purgedCount();
      while (true) {
        List<StoredRecord> page = store.read(after, PAGE);
        for (StoredRecord r : page) {
          if (r.position() < expected) {
            return bad(verified, r.position(), "position " + r.position() + " appears twice or before the retention"
                + " cut (an inserted or moved record)", head, pending, oldestAt);
          }
          if (r.position() > expected) {
            return bad(verified, expected, "record " + expected + " is missing (removed), the next is "
                + r.position(), head, pending, oldestAt);
          }
          byte[] mac = mac(k, expected, prev, r.record());
          if (!MessageDigest.isEqual(mac, r.mac())) {
            return bad(verified, expected, "the MAC does not match (the record was edited, inserted or moved)",
                head, pending, oldestAt);
          }
          if (anchored != null && anchored.count() == expected && !MessageDigest.isEqual(anchored.head(), mac)) {
            return bad(verified, expected, "the anchored checkpoint does not match this record", head, pending,
                oldestAt);
          }
          prev = mac;
          byte[] next = next(k);
          Arrays.fill(k, (byte) 0);
          k = next;
          verified++;
          after = expected;
          expected++;
        }
        if (page.size() < PAGE) {
          break;
        }
      }
      long last = expected - 1;
      if (anchored != null && anchored.count() > last) {
        return bad(verified, last + 1, "the chain ends at " + last + " but a checkpoint at " + anchored.count()
            + " was anchored (a truncated tail)", head, pending, oldestAt);
      }
      if (last != state.count()) {
        return bad(verified, Math.min(last, state.count()) + 1, "the chain head says " + state.count()
            + " records, the table holds " + last + " (a truncated tail or an edited head)", head, pending, oldestAt);
      }
      if (!MessageDigest.isEqual(prev, state.head())) {
        return bad(verified, last, "the chain head's MAC does not match the last record", head, pending, oldestAt);
      }
      return new JournalVerification(true, verified, 0, null, head, pending, oldestAt);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  private static JournalVerification bad(long verified, long position, String problem, Checkpoint head,
      long pending, java.time.Instant oldest) {
    return new JournalVerification(false, verified, Math.max(position, 1), problem, head, pending, oldest);
  }

  private static byte[] unwrapRoot(Aead kek, ChainState state) {
    byte[] root;
    try {
      root = kek.decrypt(state.wrappedRootKey(), ROOT_AD);
    } catch (GeneralSecurityException e) {
      throw new KekUnavailableException("the key-encryption key could not unwrap the journal's root key ("
          + e.getClass().getSimpleName() + ")");
    }
    if (root.length != MAC_BYTES) {
      Arrays.fill(root, (byte) 0);
      throw new KekUnavailableException("the journal's root key unwrapped to " + root.length + " bytes");
    }
    return root;
  }

  /** {@code HMAC-SHA256(k, "next")}: the one-way step to the next position's key. */
  static byte[] next(byte[] k) {
    return hmac(k, NEXT);
  }

  /** The MAC of the record at {@code position}, chained to the previous record's MAC. */
  static byte[] mac(byte[] k, long position, byte[] prev, JournalRecord r) {
    byte[] body = r.canonicalBytes();
    ByteBuffer b = ByteBuffer.allocate(LABEL.length + 8 + MAC_BYTES + body.length);
    b.put(LABEL).putLong(position).put(prev).put(body);
    return hmac(k, b.array());
  }

  private static byte[] hmac(byte[] k, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "JournalChain[key=<masked>]";
  }
}
