package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.journal.JournalRecord;

/**
 * A journal record as a store keeps it: its insertion sequence, and once the chainer sealed it, its chain
 * position and MAC.
 *
 * @param sequence the store's insertion order (1, 2, ...; gaps allowed), which decides the chain order of
 *     pending records
 * @param position the chain position (1, 2, ... without gaps), or 0 while the record is pending
 * @param record the record
 * @param mac the chain MAC (32 bytes), or {@code null} while pending
 */
public record StoredRecord(long sequence, long position, JournalRecord record, byte[] mac) {
  /**
   * Checks the components.
   *
   * @param sequence the insertion order
   * @param position the chain position, or 0
   * @param record the record
   * @param mac the MAC, or {@code null}
   */
  public StoredRecord {
    requireNonNull(record, "record");
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative, got " + position);
    }
    if ((position == 0) != (mac == null)) {
      throw new IllegalArgumentException("a record has a MAC exactly when it has a chain position");
    }
    mac = mac == null ? null : mac.clone();
  }

  /** {@return whether the record still waits for the chainer} */
  public boolean pending() {
    return position == 0;
  }

  /** {@return a copy of the chain MAC, or {@code null} while pending} */
  @Override
  public byte[] mac() {
    return mac == null ? null : mac.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredRecord r && r.sequence == sequence && r.position == position
        && r.record.equals(record) && java.util.Arrays.equals(r.mac, mac);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + record.hashCode();
  }

  @Override
  public String toString() {
    return "StoredRecord[sequence=" + sequence + ", position=" + position + ", " + record.event() + "]";
  }
}
