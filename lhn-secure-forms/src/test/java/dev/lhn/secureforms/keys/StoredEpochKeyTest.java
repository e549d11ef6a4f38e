package dev.lhn.secureforms.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StoredEpochKeyTest {
  private static final EpochKeyId ID =
      EpochKeyId.containing("", "data", Instant.parse("2026-11-29T10:20:00Z"), Duration.ofHours(1));
  private static final Instant DESTROY = ID.windowEnd().plus(Duration.ofMinutes(5));

  @Test
  void wrapped_isCopiedInAndOut() {
    byte[] bytes = {1, 2, 3};
    StoredEpochKey k = new StoredEpochKey(ID, DESTROY, 0, bytes);
    bytes[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, k.wrapped());
    k.wrapped()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, k.wrapped());
    assertEquals(3, k.wrappedLength());
  }

  @Test
  void toString_leavesTheBytesOut() {
    StoredEpochKey k = new StoredEpochKey(ID, DESTROY, 7, new byte[] {0x42, 0x42, 0x42, 0x42});
    assertEquals("StoredEpochKey[data@2026-11-29T10:00:00Z+PT1H, destroyAt=2026-11-29T11:05:00Z, version=7,"
        + " wrapped=4 bytes]", k.toString());
  }

  @Test
  void equals_comparesEveryField() {
    StoredEpochKey k = new StoredEpochKey(ID, DESTROY, 0, new byte[] {1, 2});
    assertEquals(k, new StoredEpochKey(ID, DESTROY, 0, new byte[] {1, 2}));
    assertEquals(k.hashCode(), new StoredEpochKey(ID, DESTROY, 0, new byte[] {1, 2}).hashCode());
    assertNotEquals(k, new StoredEpochKey(ID, DESTROY, 0, new byte[] {1, 3}));
    assertNotEquals(k, new StoredEpochKey(ID, DESTROY, 1, new byte[] {1, 2}));
    assertNotEquals(k, new StoredEpochKey(ID, DESTROY.plusMillis(1), 0, new byte[] {1, 2}));
    assertNotEquals(k, new StoredEpochKey(new EpochKeyId("x", "data", ID.windowStartMillis(), ID.windowLengthMillis()),
        DESTROY, 0, new byte[] {1, 2}));
    assertFalse(k.equals(null));
  }

  @Test
  void destroyAt_isTruncatedToMilliseconds_andNotBeforeTheWindowEnd() {
    assertEquals(DESTROY, new StoredEpochKey(ID, DESTROY.plusNanos(999_999), 0, new byte[1]).destroyAt());
    new StoredEpochKey(ID, ID.windowEnd(), 0, new byte[1]);
    assertEquals("destroyAt must not be before the end of the key's window (2026-11-29T11:00:00Z), got "
        + "2026-11-29T10:59:59.999Z", assertThrows(IllegalArgumentException.class,
            () -> new StoredEpochKey(ID, ID.windowEnd().minusMillis(1), 0, new byte[1])).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StoredEpochKey(ID, Instant.MAX, 0, new byte[1]));
  }

  @Test
  void limits_nameTheArgument() {
    assertEquals("wrapped must have 1 to 4096 bytes, got 0", assertThrows(IllegalArgumentException.class,
        () -> new StoredEpochKey(ID, DESTROY, 0, new byte[0])).getMessage());
    assertEquals("wrapped must have 1 to 4096 bytes, got 4097", assertThrows(IllegalArgumentException.class,
        () -> new StoredEpochKey(ID, DESTROY, 0, new byte[4097])).getMessage());
    new StoredEpochKey(ID, DESTROY, 0, new byte[4096]);
    assertEquals("version must not be negative, got -1", assertThrows(IllegalArgumentException.class,
        () -> new StoredEpochKey(ID, DESTROY, -1, new byte[1])).getMessage());
    assertEquals("id", assertThrows(NullPointerException.class,
        () -> new StoredEpochKey(null, DESTROY, 0, new byte[1])).getMessage());
    assertEquals("destroyAt", assertThrows(NullPointerException.class,
        () -> new StoredEpochKey(ID, null, 0, new byte[1])).getMessage());
    assertEquals("wrapped", assertThrows(NullPointerException.class,
        () -> new StoredEpochKey(ID, DESTROY, 0, null)).getMessage());
  }

  @Test
  void withWrapped_incrementsTheVersion_andKeepsTheRest() {
    StoredEpochKey k = new StoredEpochKey(ID, DESTROY, 4, new byte[] {1});
    StoredEpochKey r = k.withWrapped(new byte[] {2, 2});
    assertEquals(new StoredEpochKey(ID, DESTROY, 5, new byte[] {2, 2}), r);
    assertEquals("newWrapped must have 1 to 4096 bytes, got 0",
        assertThrows(IllegalArgumentException.class, () -> k.withWrapped(new byte[0])).getMessage());
    assertEquals("newWrapped", assertThrows(NullPointerException.class, () -> k.withWrapped(null)).getMessage());
    StoredEpochKey max = new StoredEpochKey(ID, DESTROY, Long.MAX_VALUE, new byte[] {1});
    assertThrows(IllegalStateException.class, () -> max.withWrapped(new byte[] {2}));
  }
}
