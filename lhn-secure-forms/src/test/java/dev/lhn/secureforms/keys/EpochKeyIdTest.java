package dev.lhn.secureforms.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochKeyIdTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Instant TEN = Instant.parse("2026-11-29T10:00:00Z");

  @Test
  void containing_deadlineAtWindowStart_belongsToThatWindow() {
    EpochKeyId id = EpochKeyId.containing("", "data", TEN, HOUR);
    assertEquals(TEN, id.windowStart());
    assertEquals(TEN.plus(HOUR), id.windowEnd());
    assertEquals(HOUR, id.windowLength());
    assertEquals(3_600_000L, id.windowLengthMillis());
  }

  @Test
  void containing_oneMillisecondBeforeAStart_belongsToThePreviousWindow() {
    EpochKeyId id = EpochKeyId.containing("", "data", TEN.minusMillis(1), HOUR);
    assertEquals(TEN.minus(HOUR), id.windowStart());
    assertEquals(TEN, id.windowEnd(), "the window's end is exclusive");
  }

  @Test
  void containing_lastMillisecondOfAWindow_andSubMillisecondParts_stayInIt() {
    assertEquals(TEN, EpochKeyId.containing("", "data", TEN.plus(HOUR).minusMillis(1), HOUR).windowStart());
    assertEquals(TEN, EpochKeyId.containing("", "data", TEN.plus(HOUR).minusNanos(1), HOUR).windowStart());
    assertEquals(TEN, EpochKeyId.containing("", "data", TEN.plusNanos(999_999), HOUR).windowStart());
  }

  @Test
  void containing_isUtcAligned_forEveryLengthThatDividesADay() {
    Instant deadline = Instant.parse("2026-11-29T23:59:59.999Z");
    assertEquals(Instant.parse("2026-11-29T00:00:00Z"),
        EpochKeyId.containing("", "data", deadline, Duration.ofDays(1)).windowStart());
    assertEquals(Instant.parse("2026-11-29T23:55:00Z"),
        EpochKeyId.containing("", "data", deadline, Duration.ofMinutes(5)).windowStart());
    assertEquals(Instant.parse("2026-11-29T23:59:00Z"),
        EpochKeyId.containing("", "data", deadline, Duration.ofMinutes(1)).windowStart());
    assertEquals(Instant.parse("2026-11-29T18:00:00Z"),
        EpochKeyId.containing("", "data", deadline, Duration.ofHours(6)).windowStart());
    assertEquals(Instant.EPOCH, EpochKeyId.containing("", "data", Instant.EPOCH, HOUR).windowStart());
  }

  @Test
  void containing_invalidWindowLengths_areRejectedWithTheRule() {
    assertEquals("windowLength must be 1 minute to 1 day, got PT59S", assertThrows(IllegalArgumentException.class,
        () -> EpochKeyId.containing("", "data", TEN, Duration.ofSeconds(59))).getMessage());
    assertEquals("windowLength must be 1 minute to 1 day, got PT24H1M", assertThrows(IllegalArgumentException.class,
        () -> EpochKeyId.containing("", "data", TEN, Duration.ofMinutes(24 * 60 + 1))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> EpochKeyId.containing("", "data", TEN, Duration.ofHours(-1)));
    assertThrows(IllegalArgumentException.class, () -> EpochKeyId.containing("", "data", TEN, Duration.ZERO));
    assertEquals("windowLength must be whole minutes, got PT1M0.001S", assertThrows(IllegalArgumentException.class,
        () -> EpochKeyId.containing("", "data", TEN, Duration.ofMinutes(1).plusMillis(1))).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> EpochKeyId.containing("", "data", TEN, Duration.ofMinutes(90).plusSeconds(30)));
    // 7 minutes is whole minutes but does not divide a day
    String msg = assertThrows(IllegalArgumentException.class,
        () -> EpochKeyId.containing("", "data", TEN, Duration.ofMinutes(7))).getMessage();
    assertTrue(msg.startsWith("windowLengthMillis must be 1 minute to 1 day in whole minutes dividing 24 hours"), msg);
  }

  @Test
  void containing_deadlineBeforeTheEpochOrTooLate_isRejected() {
    assertEquals("deadline must not be before 1970-01-01T00:00:00Z, got 1969-12-31T23:59:59.999Z",
        assertThrows(IllegalArgumentException.class,
            () -> EpochKeyId.containing("", "data", Instant.EPOCH.minusMillis(1), HOUR)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> EpochKeyId.containing("", "data", Instant.MAX, HOUR));
  }

  @Test
  void containing_nullArguments_nameTheArgument() {
    assertEquals("tenant", assertThrows(NullPointerException.class,
        () -> EpochKeyId.containing(null, "data", TEN, HOUR)).getMessage());
    assertEquals("keyClass", assertThrows(NullPointerException.class,
        () -> EpochKeyId.containing("", null, TEN, HOUR)).getMessage());
    assertEquals("deadline", assertThrows(NullPointerException.class,
        () -> EpochKeyId.containing("", "data", null, HOUR)).getMessage());
    assertEquals("windowLength", assertThrows(NullPointerException.class,
        () -> EpochKeyId.containing("", "data", TEN, null)).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Acme", "a b", "a/b", "t\u00e9", "a\n"})
  void tenant_outsideTheAlphabet_isRejected(String tenant) {
    String msg = assertThrows(IllegalArgumentException.class,
        () -> new EpochKeyId(tenant, "data", 0, 60_000)).getMessage();
    assertTrue(msg.startsWith("tenant must match [a-z0-9._-]{0,64}, got '"), msg);
  }

  @Test
  void tenant_andKeyClass_lengthLimits() {
    new EpochKeyId("a".repeat(64), "k".repeat(32), 0, 60_000);
    new EpochKeyId("acme.eu-1_x", "data", 0, 60_000);
    assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("a".repeat(65), "data", 0, 60_000));
    assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "k".repeat(33), 0, 60_000));
    assertEquals("keyClass must match [a-z0-9-]{1,32}, got ''",
        assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "", 0, 60_000)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "data.x", 0, 60_000));
    assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "Data", 0, 60_000));
    String longName = assertThrows(IllegalArgumentException.class,
        () -> new EpochKeyId("X".repeat(100), "data", 0, 60_000)).getMessage();
    assertTrue(longName.endsWith("'" + "X".repeat(40) + "...'"), "quotes at most 40 characters: " + longName);
  }

  @Test
  void constructor_windowRules() {
    assertEquals("windowStartMillis must not be negative (before 1970-01-01T00:00:00Z), got -3600000",
        assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "data", -3_600_000, 3_600_000))
            .getMessage());
    assertEquals("windowStartMillis must be a multiple of windowLengthMillis (3600000), got 60000",
        assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "data", 60_000, 3_600_000))
            .getMessage());
    for (long bad : new long[] {0, -60_000, 59_999, 60_001, 7 * 60_000, 86_400_001, 2 * 86_400_000L}) {
      assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "data", 0, bad), "length " + bad);
    }
    long lastDay = Long.MAX_VALUE / 86_400_000L * 86_400_000L;
    assertThrows(IllegalArgumentException.class, () -> new EpochKeyId("", "data", lastDay, 86_400_000L));
  }

  @Test
  void toString_namesClassWindowAndTenant() {
    assertEquals("data@2026-11-29T10:00:00Z+PT1H", EpochKeyId.containing("", "data", TEN.plusSeconds(5), HOUR).toString());
    assertEquals("t/acme.eu/hpke@2026-11-29T10:00:00Z+PT5M",
        EpochKeyId.containing("acme.eu", "hpke", TEN, Duration.ofMinutes(5)).toString());
  }

  @Test
  void associatedData_hasTheDocumentedLayout() {
    EpochKeyId id = new EpochKeyId("acme", "data", TEN.toEpochMilli(), 3_600_000);
    ByteBuffer expected = ByteBuffer.allocate(12 + 1 + 4 + 1 + 4 + 16);
    expected.put("lsf/epoch/v1".getBytes(StandardCharsets.US_ASCII)).put((byte) 4)
        .put("acme".getBytes(StandardCharsets.US_ASCII)).put((byte) 4).put("data".getBytes(StandardCharsets.US_ASCII))
        .putLong(TEN.toEpochMilli()).putLong(3_600_000);
    assertArrayEquals(expected.array(), id.associatedData());
    byte[] copy = id.associatedData();
    copy[0] = 'X';
    assertArrayEquals(expected.array(), id.associatedData(), "a new array on every call");
    assertEquals(12 + 1 + 0 + 1 + 4 + 16, new EpochKeyId("", "data", 0, 60_000).associatedData().length);
  }

  @Test
  void associatedData_distinctForDistinctIds() {
    // ids that a naive concatenation would confuse: tenant "a" + class "b-c" vs tenant "a-b" + class "c", ...
    List<EpochKeyId> ids = new ArrayList<>(List.of(
        new EpochKeyId("a", "b-c", 0, 60_000), new EpochKeyId("a-b", "c", 0, 60_000),
        new EpochKeyId("", "ab", 0, 60_000), new EpochKeyId("a", "b", 0, 60_000),
        new EpochKeyId("", "data", 3_600_000, 3_600_000), new EpochKeyId("", "data", 0, 3_600_000),
        new EpochKeyId("", "data", 3_600_000, 60_000), new EpochKeyId("", "data", 3_600_000, 1_800_000)));
    for (int w = 0; w < 50; w++) {
      ids.add(new EpochKeyId("t" + (w % 5), w % 2 == 0 ? "data" : "hpke", w * 300_000L, 300_000));
    }
    Set<ByteBuffer> seen = new HashSet<>();
    for (EpochKeyId id : ids) {
      assertTrue(seen.add(ByteBuffer.wrap(id.associatedData())), "associated data of " + id + " is not unique");
    }
  }

  @Test
  void ordering_isTenantClassStartLength_byCharacter() {
    List<EpochKeyId> sorted = List.of(
        new EpochKeyId("", "data", 0, 60_000),
        new EpochKeyId("", "data", 60_000, 60_000),
        new EpochKeyId("", "data", 3_600_000, 60_000),
        new EpochKeyId("", "data", 3_600_000, 3_600_000),
        new EpochKeyId("", "data-x", 0, 60_000),
        new EpochKeyId("", "hpke", 0, 60_000),
        new EpochKeyId("-", "data", 0, 60_000),
        new EpochKeyId(".", "data", 0, 60_000),
        new EpochKeyId("0", "data", 0, 60_000),
        new EpochKeyId("_", "data", 0, 60_000),
        new EpochKeyId("a", "data", 0, 60_000),
        new EpochKeyId("a-b", "data", 0, 60_000),
        new EpochKeyId("a.b", "data", 0, 60_000),
        new EpochKeyId("ab", "data", 0, 60_000));
    List<EpochKeyId> shuffled = new ArrayList<>(sorted);
    java.util.Collections.reverse(shuffled);
    shuffled.sort(null);
    assertEquals(sorted, shuffled);
  }
}
