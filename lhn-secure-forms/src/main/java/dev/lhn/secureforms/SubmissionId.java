package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The identifier of one submission: 128 bits from a CSPRNG. Its text form is 22 characters of unpadded
 * URL-safe base64 (RFC 4648 section 5), safe in URLs, HTML attributes and log lines; {@link #parse}
 * accepts exactly that form and nothing else (no padding, no other alphabet, no non-canonical last
 * character), so an id that went through a URL comes back byte for byte.
 *
 * <p>Ids are not secret, but they are unguessable: knowing one submission's id tells nothing about another's.
 */
public final class SubmissionId implements Comparable<SubmissionId> {
  /** Length of the binary form. */
  public static final int BYTES = 16;
  /** Length of the text form. */
  public static final int TEXT_LENGTH = 22;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final long hi;
  private final long lo;

  private SubmissionId(long hi, long lo) {
    this.hi = hi;
    this.lo = lo;
  }

  /**
   * A fresh id from the given CSPRNG.
   *
   * @param random a cryptographically strong generator
   * @return a new random id
   */
  public static SubmissionId random(SecureRandom random) {
    requireNonNull(random, "random");
    byte[] b = new byte[BYTES];
    random.nextBytes(b);
    return fromBytes(b);
  }

  /**
   * The id whose binary form is these 16 bytes.
   *
   * @param bytes exactly {@link #BYTES} bytes; copied
   * @return the id
   */
  public static SubmissionId fromBytes(byte[] bytes) {
    requireNonNull(bytes, "bytes");
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a submission id has 16 bytes, got " + bytes.length);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    return new SubmissionId(buf.getLong(), buf.getLong());
  }

  /**
   * Parses the 22-character text form.
   *
   * @param text the canonical text form
   * @return the id
   * @throws IllegalArgumentException if {@code text} is not exactly a canonical text form; the message
   *     quotes at most the first 40 characters of the input (ids are not secret)
   */
  public static SubmissionId parse(CharSequence text) {
    requireNonNull(text, "text");
    if (text.length() != TEXT_LENGTH) {
      throw invalid(text, "must be 22 characters, got " + text.length());
    }
    for (int i = 0; i < TEXT_LENGTH; i++) {
      if (ALPHABET.indexOf(text.charAt(i)) < 0) {
        throw invalid(text, "character " + (i + 1) + " is not URL-safe base64");
      }
    }
    // 22 chars carry 132 bits; the last character's low 4 bits must be zero to be canonical.
    if ((ALPHABET.indexOf(text.charAt(TEXT_LENGTH - 1)) & 0x0F) != 0) {
      throw invalid(text, "is not in canonical form");
    }
    return fromBytes(Base64.getUrlDecoder().decode(text.toString()));
  }

  private static IllegalArgumentException invalid(CharSequence text, String rule) {
    String shown = text.length() > 40 ? text.subSequence(0, 40) + "..." : text.toString();
    return new IllegalArgumentException("invalid submission id '" + shown + "': " + rule);
  }

  /** {@return the 16-byte binary form (a fresh copy)} */
  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(hi).putLong(lo).array();
  }

  /**
   * Writes the 16-byte binary form into {@code dst} at {@code offset}.
   *
   * @param dst the destination array
   * @param offset where the 16 bytes start in {@code dst}
   */
  public void writeTo(byte[] dst, int offset) {
    for (int i = 0; i < 8; i++) {
      dst[offset + i] = (byte) (hi >>> (56 - 8 * i));
      dst[offset + 8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
  }

  /** The 22-character URL-safe text form. */
  @Override
  public String toString() {
    return ENCODER.encodeToString(toBytes());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubmissionId other && other.hi == hi && other.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi * 31 + lo);
  }

  @Override
  public int compareTo(SubmissionId o) {
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }
}
