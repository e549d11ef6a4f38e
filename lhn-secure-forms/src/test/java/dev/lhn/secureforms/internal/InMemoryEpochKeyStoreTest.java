package dev.lhn.secureforms.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.StoreFullException;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.keys.StoredEpochKey;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the compatibility kit cannot see from outside: capacity and wiping. The contract runs in the tck. */
class InMemoryEpochKeyStoreTest {
  private static final Instant T0 = Instant.parse("2031-03-14T09:00:00Z");

  private static StoredEpochKey key(int window, byte fill) {
    EpochKeyId id = new EpochKeyId("", "data", T0.toEpochMilli() + window * 3_600_000L, 3_600_000);
    byte[] wrapped = new byte[48];
    java.util.Arrays.fill(wrapped, fill);
    return new StoredEpochKey(id, id.windowEnd().plus(Duration.ofMinutes(5)), 0, wrapped);
  }

  @Test
  void full_throwsStoreFullException_butStillAnswersDuplicates() {
    InMemoryEpochKeyStore store = new InMemoryEpochKeyStore(2);
    StoredEpochKey a = key(0, (byte) 1);
    store.insertIfAbsent(a);
    store.insertIfAbsent(key(1, (byte) 2));
    assertEquals("in-memory epoch key store is full: it holds at most 2 keys",
        assertThrows(StoreFullException.class, () -> store.insertIfAbsent(key(2, (byte) 3))).getMessage());
    assertEquals(a, store.insertIfAbsent(key(0, (byte) 9)), "a duplicate returns the stored key, full or not");
    assertEquals(2, store.destroyDue(T0.plus(Duration.ofDays(1)), 10).size());
    store.insertIfAbsent(key(2, (byte) 3));
  }

  @Test
  void capacity_mustBePositive() {
    assertEquals("maxKeys must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new InMemoryEpochKeyStore(0)).getMessage());
  }

  @Test
  void destroyDue_wipesTheBytesItDrops() throws ReflectiveOperationException {
    InMemoryEpochKeyStore store = new InMemoryEpochKeyStore(10);
    StoredEpochKey k = key(0, (byte) 0x5a);
    store.insertIfAbsent(k);
    byte[] held = heldBytes(store, k.id());
    assertArrayEquals(k.wrapped(), held);
    assertEquals(List.of(k.id()), store.destroyDue(k.destroyAt(), 10));
    assertArrayEquals(new byte[48], held, "the dropped copy is zeroed");
  }

  @Test
  void rewrap_wipesTheReplacedBytes_andALosingInsertKeepsTheWinner() throws ReflectiveOperationException {
    InMemoryEpochKeyStore store = new InMemoryEpochKeyStore(10);
    StoredEpochKey k = key(0, (byte) 0x5a);
    store.insertIfAbsent(k);
    byte[] held = heldBytes(store, k.id());
    assertTrue(store.rewrap(k.id(), 0, new byte[] {7, 7}, T0));
    assertArrayEquals(new byte[48], held, "the bytes under the old key-encryption key are zeroed");
    assertEquals(Optional.of(k.withWrapped(new byte[] {7, 7})), store.find(k.id(), T0));
    assertEquals(k.withWrapped(new byte[] {7, 7}), store.insertIfAbsent(key(0, (byte) 1)));
  }

  @Test
  void inMemory_isANewEmptyStore() {
    EpochKeyStore a = EpochKeyStore.inMemory();
    a.insertIfAbsent(key(0, (byte) 1));
    assertEquals(List.of(), EpochKeyStore.inMemory().live(T0, null, 10));
    assertEquals("InMemoryEpochKeyStore[1 of at most 100000 keys]", a.toString());
  }

  /** The store's own copy of a key's wrapped bytes. */
  private static byte[] heldBytes(InMemoryEpochKeyStore store, EpochKeyId id) throws ReflectiveOperationException {
    Field keys = InMemoryEpochKeyStore.class.getDeclaredField("keys");
    keys.setAccessible(true);
    Object entry = ((Map<?, ?>) keys.get(store)).get(id);
    Field wrapped = entry.getClass().getDeclaredField("wrapped");
    wrapped.setAccessible(true);
    return (byte[]) wrapped.get(entry);
  }
}
