package dev.lhn.secureforms.event;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit trail: every event appended, outliving its submission, each record hash-chained to the one
 * before ({@link AuditRecord}). {@link #verify()} recomputes the chain and detects an edited, removed,
 * inserted or reordered record. A chain only proves integrity relative to its head: anchor
 * {@link #head()} somewhere the database's writers cannot reach (a log shipper, a WORM bucket) to detect
 * a rewrite of the whole chain.
 *
 * <p>Implementations must be thread-safe and append in one total order.
 */
public interface AuditLog {

  /**
   * A thread-safe in-memory audit log, for tests and single-process demos.
   *
   * @return a new, empty log
   */
  static AuditLog inMemory() {
    return new InMemoryAuditLog();
  }

  /**
   * Appends an event and returns its record.
   *
   * @param event the event
   * @return the record appended, chained to the previous one
   */
  AuditRecord append(FormEvent event);

  /** {@return all records, in order} */
  List<AuditRecord> records();

  /** {@return the hash of the last record, or {@link AuditRecord#GENESIS} when empty} */
  default String head() {
    List<AuditRecord> r = records();
    return r.isEmpty() ? AuditRecord.GENESIS : r.get(r.size() - 1).hash();
  }

  /**
   * Verifies this log's whole chain.
   *
   * @return the outcome: valid, or where and why the chain breaks
   */
  default Verification verify() {
    return verify(records());
  }

  /** The outcome of verifying a chain: valid, or the first sequence position where it breaks and why. */
  record Verification(boolean valid, long brokenAt, String problem) {
    /** {@return the outcome of a chain that verified} */
    public static Verification ok() {
      return new Verification(true, -1, null);
    }
  }

  /**
   * Verifies a chain of records, as read back from any storage.
   *
   * @param records the records in sequence order
   * @return the outcome: valid, or the first position where the chain breaks and why
   */
  static Verification verify(List<AuditRecord> records) {
    requireNonNull(records, "records");
    String previous = AuditRecord.GENESIS;
    for (int i = 0; i < records.size(); i++) {
      AuditRecord r = records.get(i);
      if (r.sequence() != i) {
        return new Verification(false, i, "record " + i + " has sequence " + r.sequence()
            + " (removed, inserted or reordered)");
      }
      if (!r.previousHash().equals(previous)) {
        return new Verification(false, i, "record " + i + " does not follow the previous record");
      }
      if (!r.hash().equals(hash(previous, r.sequence(), r.eventJson()))) {
        return new Verification(false, i, "record " + i + " was changed");
      }
      previous = r.hash();
    }
    return Verification.ok();
  }

  /**
   * The chain hash of one record.
   *
   * @param previousHash the previous record's hash (hex), {@link AuditRecord#GENESIS} for the first
   * @param sequence the record's position, from 0
   * @param eventJson the event as JSON
   * @return SHA-256 over the previous hash, the sequence and the event, in hex
   */
  static String hash(String previousHash, long sequence, String eventJson) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(HexFormat.of().parseHex(previousHash));
      for (int i = 7; i >= 0; i--) {
        d.update((byte) (sequence >>> (8 * i)));
      }
      d.update(eventJson.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
