package dev.lhn.secureforms.journal;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Base64;

/**
 * A point of the journal's chain an operator exports and anchors elsewhere (a ticket, a write-once bucket, a
 * printed report): how many records were chained and the MAC of the last one. Given the last anchored
 * checkpoint, {@link JournalChain#verify} detects a truncated tail, and records rewritten up to it.
 *
 * @param count the position of the last record covered
 * @param head that record's MAC (32 bytes; zeros when {@code count} is 0)
 */
public record Checkpoint(long count, byte[] head) {
  private static final String PREFIX = "lhnj1.";

  /**
   * Checks and copies.
   *
   * @param count the position of the last record covered
   * @param head that record's MAC
   */
  public Checkpoint {
    requireNonNull(head, "head");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    if (head.length != JournalChain.MAC_BYTES) {
      throw new IllegalArgumentException("head must have " + JournalChain.MAC_BYTES + " bytes, got " + head.length);
    }
    head = head.clone();
  }

  /** {@return a copy of the head MAC} */
  @Override
  public byte[] head() {
    return head.clone();
  }

  /**
   * The checkpoint as one line of text, {@code lhnj1.<count>.<base64url head>}; what {@link #parse} reads.
   *
   * @return the exported form
   */
  public String export() {
    return PREFIX + count + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(head);
  }

  /**
   * Reads an exported checkpoint.
   *
   * @param text what {@link #export()} wrote
   * @return the checkpoint
   * @throws IllegalArgumentException if the text is not an exported checkpoint
   */
  public static Checkpoint parse(String text) {
    requireNonNull(text, "text");
    String t = text.strip();
    int dot = t.indexOf('.', PREFIX.length());
    if (!t.startsWith(PREFIX) || dot < 0 || t.length() > 100) {
      throw new IllegalArgumentException("a checkpoint reads lhnj1.<count>.<base64url head>");
    }
    try {
      return new Checkpoint(Long.parseLong(t.substring(PREFIX.length(), dot)),
          Base64.getUrlDecoder().decode(t.substring(dot + 1)));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new IllegalArgumentException("a checkpoint reads lhnj1.<count>.<base64url head>: " + e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.count == count && Arrays.equals(c.head, head);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count);
  }

  @Override
  public String toString() {
    return export();
  }
}
