package dev.lhn.secureforms.keys;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * The id of one epoch key: {@code (tenant, keyClass, windowStart, windowLength)}, the window being
 * {@code [windowStart, windowStart + windowLength)} in epoch milliseconds (UTC-aligned). See
 * {@code docs/KEYS.md}.
 *
 * <ul>
 *   <li>{@code tenant}: {@code [a-z0-9._-]{0,64}}, {@code ""} for no tenant;
 *   <li>{@code keyClass}: {@code [a-z0-9-]{1,32}}, such as {@code data};
 *   <li>{@code windowLengthMillis}: 1 minute to 1 day in whole minutes, dividing 24 hours (so windows align
 *       with UTC days);
 *   <li>{@code windowStartMillis}: not negative, a multiple of the length.
 * </ul>
 *
 * <p>Ids order (see {@link #compareTo}) by tenant, key class, window start and window length, comparing
 * strings by their characters (all ASCII: the same order as a binary collation).
 *
 * @param tenant the tenant, {@code ""} for none
 * @param keyClass the key class, such as {@code data}
 * @param windowStartMillis the window's start, epoch milliseconds
 * @param windowLengthMillis the window's length in milliseconds
 */
public record EpochKeyId(String tenant, String keyClass, long windowStartMillis, long windowLengthMillis)
    implements Comparable<EpochKeyId> {

  /** The shortest window: one minute. */
  public static final Duration MIN_WINDOW = Duration.ofMinutes(1);
  /** The longest window: one day. */
  public static final Duration MAX_WINDOW = Duration.ofDays(1);

  private static final Pattern TENANT = Pattern.compile("[a-z0-9._-]{0,64}");
  private static final Pattern KEY_CLASS = Pattern.compile("[a-z0-9-]{1,32}");
  private static final byte[] AD_LABEL = "lsf/epoch/v1".getBytes(StandardCharsets.US_ASCII);
  private static final long MINUTE_MS = 60_000L;
  private static final long DAY_MS = 86_400_000L;
  private static final Comparator<EpochKeyId> ORDER = Comparator.comparing(EpochKeyId::tenant)
      .thenComparing(EpochKeyId::keyClass)
      .thenComparingLong(EpochKeyId::windowStartMillis)
      .thenComparingLong(EpochKeyId::windowLengthMillis);

  /**
   * Checks every component.
   *
   * @param tenant the tenant, {@code [a-z0-9._-]{0,64}}, {@code ""} for none
   * @param keyClass the key class, {@code [a-z0-9-]{1,32}}
   * @param windowStartMillis the window's start in epoch milliseconds: not negative, a multiple of the length
   * @param windowLengthMillis 60,000 to 86,400,000 in whole minutes, dividing 86,400,000
   * @throws NullPointerException if {@code tenant} or {@code keyClass} is null
   * @throws IllegalArgumentException if a component breaks its rule (the message names it, its value and
   *     the rule)
   */
  public EpochKeyId {
    checkTenant(tenant);
    checkKeyClass(keyClass);
    checkWindowLength(windowLengthMillis);
    if (windowStartMillis < 0) {
      throw new IllegalArgumentException(
          "windowStartMillis must not be negative (before 1970-01-01T00:00:00Z), got " + windowStartMillis);
    }
    if (windowStartMillis % windowLengthMillis != 0) {
      throw new IllegalArgumentException("windowStartMillis must be a multiple of windowLengthMillis ("
          + windowLengthMillis + "), got " + windowStartMillis);
    }
    if (windowStartMillis > Long.MAX_VALUE - windowLengthMillis) {
      throw new IllegalArgumentException("windowStartMillis is too large for its window to end, got "
          + windowStartMillis);
    }
  }

  /**
   * The id of the window of length {@code windowLength} that contains {@code deadline}: its start is
   * {@code floor(deadline / length) * length} in epoch milliseconds, so a deadline exactly at a window's start
   * belongs to that window, and one a millisecond before it to the previous window.
   *
   * @param tenant the tenant, {@code [a-z0-9._-]{0,64}}, {@code ""} for none
   * @param keyClass the key class, {@code [a-z0-9-]{1,32}}
   * @param deadline the hard deadline the key serves (sub-millisecond parts are ignored)
   * @param windowLength 1 minute to 1 day in whole minutes, dividing 24 hours
   * @return the id of the window containing {@code deadline}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument breaks its rule, or {@code deadline} is before
   *     1970-01-01T00:00:00Z or too late to be in a window
   */
  public static EpochKeyId containing(String tenant, String keyClass, Instant deadline, Duration windowLength) {
    checkTenant(tenant);
    checkKeyClass(keyClass);
    requireNonNull(deadline, "deadline");
    requireNonNull(windowLength, "windowLength");
    if (windowLength.compareTo(MIN_WINDOW) < 0 || windowLength.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("windowLength must be 1 minute to 1 day, got " + windowLength);
    }
    long length = windowLength.toMillis();
    if (windowLength.getNano() != 0 || windowLength.getSeconds() % 60 != 0) {
      throw new IllegalArgumentException("windowLength must be whole minutes, got " + windowLength);
    }
    checkWindowLength(length);
    if (deadline.isBefore(Instant.EPOCH)) {
      throw new IllegalArgumentException("deadline must not be before 1970-01-01T00:00:00Z, got " + deadline);
    }
    long ms;
    try {
      ms = deadline.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("deadline is too late for an epoch window, got " + deadline);
    }
    return new EpochKeyId(tenant, keyClass, Math.floorDiv(ms, length) * length, length);
  }

  /**
   * The start of the window, inclusive.
   *
   * @return the window's start
   */
  public Instant windowStart() {
    return Instant.ofEpochMilli(windowStartMillis);
  }

  /**
   * The end of the window, exclusive: its start plus its length.
   *
   * @return the window's end
   */
  public Instant windowEnd() {
    return Instant.ofEpochMilli(windowStartMillis + windowLengthMillis);
  }

  /**
   * The window's length.
   *
   * @return the window's length
   */
  public Duration windowLength() {
    return Duration.ofMillis(windowLengthMillis);
  }

  /**
   * The associated data a wrapped epoch key is bound to, so that a wrapped key copied to another id does not
   * unwrap: {@code "lsf/epoch/v1" || u8 len(tenant) || tenant || u8 len(class) || class || i64 windowStart ||
   * i64 windowLength} (ASCII strings, big-endian integers). Distinct ids give distinct bytes.
   *
   * @return a new array on every call
   */
  public byte[] associatedData() {
    byte[] t = tenant.getBytes(StandardCharsets.US_ASCII);
    byte[] c = keyClass.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(AD_LABEL.length + 1 + t.length + 1 + c.length + 2 * Long.BYTES)
        .put(AD_LABEL)
        .put((byte) t.length).put(t)
        .put((byte) c.length).put(c)
        .putLong(windowStartMillis)
        .putLong(windowLengthMillis)
        .array();
  }

  /**
   * Orders by tenant, key class, window start, window length: the order {@link EpochKeyStore#live} pages in.
   *
   * @param other the id to compare with
   * @return negative, zero or positive as this id comes before, is, or comes after {@code other}
   */
  @Override
  public int compareTo(EpochKeyId other) {
    return ORDER.compare(this, requireNonNull(other, "other"));
  }

  /**
   * The id for logs: {@code data@2026-11-29T10:00:00Z+PT1H}, with {@code t/<tenant>/} in front when there is
   * a tenant ({@code t/acme/data@...}).
   *
   * @return the id as text
   */
  @Override
  public String toString() {
    return (tenant.isEmpty() ? "" : "t/" + tenant + "/") + keyClass + "@" + windowStart() + "+" + windowLength();
  }

  private static void checkTenant(String tenant) {
    requireNonNull(tenant, "tenant");
    if (!TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must match [a-z0-9._-]{0,64}, got '" + shown(tenant) + "'");
    }
  }

  private static void checkKeyClass(String keyClass) {
    requireNonNull(keyClass, "keyClass");
    if (!KEY_CLASS.matcher(keyClass).matches()) {
      throw new IllegalArgumentException("keyClass must match [a-z0-9-]{1,32}, got '" + shown(keyClass) + "'");
    }
  }

  private static void checkWindowLength(long length) {
    if (length < MINUTE_MS || length > DAY_MS || length % MINUTE_MS != 0 || DAY_MS % length != 0) {
      throw new IllegalArgumentException("windowLengthMillis must be 1 minute to 1 day in whole minutes dividing"
          + " 24 hours (60000 to 86400000), got " + length);
    }
  }

  private static String shown(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
