package dev.lhn.secureforms.event;

import static java.util.Objects.requireNonNull;

import java.util.HexFormat;

/**
 * One entry of the audit trail: the event's JSON, its sequence number and its place in the hash chain.
 * {@code hash = SHA-256(previousHash || sequence as 8 bytes big-endian || UTF-8 of eventJson)}; the first
 * record's {@code previousHash} is 32 zero bytes. Hashes are hex strings.
 *
 * @param sequence 0, 1, 2, ... without gaps
 * @param eventJson the event's {@link FormEvent#toJson()}, the exact text that was hashed
 * @param previousHash the previous record's hash (hex), or 64 zeros for the first
 * @param hash this record's hash (hex)
 */
public record AuditRecord(long sequence, String eventJson, String previousHash, String hash) {
  /** The previous hash of the first record. */
  public static final String GENESIS = HexFormat.of().formatHex(new byte[32]);

  /**
   * Checks that no text component is null.
   *
   * @param sequence 0, 1, 2, ... without gaps
   * @param eventJson the event's {@link FormEvent#toJson()}, the exact text that was hashed
   * @param previousHash the previous record's hash (hex), or 64 zeros for the first
   * @param hash this record's hash (hex)
   */
  public AuditRecord {
    requireNonNull(eventJson, "eventJson");
    requireNonNull(previousHash, "previousHash");
    requireNonNull(hash, "hash");
  }
}
