package dev.lhn.secureforms.internal;

import com.google.crypto.tink.aead.internal.AesGcmJceUtil;
import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import com.google.crypto.tink.subtle.EngineFactory;
import dev.lhn.secureforms.DecryptionException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * What the envelope formats share (v1 in {@link Envelope}, v2 in {@link EnvelopeV2}): the bounds-checked
 * reader, big-endian writers, the field-name rule on raw bytes and the AES-256-GCM cipher of the field loop.
 * Package-private; moving code here must keep v1's bytes identical (its frozen vectors say so).
 */
final class EnvelopeBytes {
  static final int KEY_BYTES = 32;
  static final int TAG_BYTES = 16;
  static final int NONCE_BYTES = 12;
  /** The longest field name (as {@code Field.NAME} allows). */
  static final int MAX_NAME = 64;

  /**
   * The field cipher: AES/GCM/NoPadding from Tink's {@link EngineFactory}, like Tink's own thread-local
   * cipher, but a separate one (see {@link Envelope}'s class comment).
   */
  private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(EnvelopeBytes::newGcm);

  /**
   * The cipher v2 wraps and unwraps data keys with (under an epoch key): the same kind as {@link #GCM}, a
   * second instance so that the epoch key's AES key schedule stays cached in it. The JDK's AES keeps the
   * schedule of the last key it was given; one shared cipher alternated between the epoch key and each
   * envelope's fresh data key and expanded both every time (#12, docs/BENCHMARKS.md).
   */
  private static final ThreadLocal<Cipher> WRAP_GCM = ThreadLocal.withInitial(EnvelopeBytes::newGcm);

  /** SHA-256 from Tink's {@link EngineFactory}, one per thread (v2's policy hash). */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return EngineFactory.MESSAGE_DIGEST.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  });

  private static Cipher newGcm() {
    try {
      return EngineFactory.CIPHER.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private EnvelopeBytes() {}

  /**
   * This thread's AES/GCM/NoPadding cipher for the envelope codecs.
   *
   * @return a cipher the caller initialises before each use and does not keep
   */
  static Cipher gcm() {
    return GCM.get();
  }

  /**
   * This thread's AES/GCM/NoPadding cipher for wrapping data keys under epoch keys (v2), apart from
   * {@link #gcm()}.
   *
   * @return a cipher the caller initialises before each use and does not keep
   */
  static Cipher wrapGcm() {
    return WRAP_GCM.get();
  }

  /**
   * This thread's SHA-256: reset, as {@link MessageDigest#digest()} leaves it.
   *
   * @return a digest the caller finishes with {@code digest()} and does not keep
   */
  static MessageDigest sha256() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  /**
   * A 12-byte GCM nonce with a 128-bit tag, as Tink's {@code AesGcmJceUtil.getParams} makes it on a JVM, without
   * its Android check (a system property read per call, #12; Java 17 does not run on the Android versions
   * that need another parameter class).
   *
   * @param b the bytes holding the nonce (copied)
   * @param off where it starts
   * @return the parameters
   */
  static GCMParameterSpec params(byte[] b, int off) {
    return new GCMParameterSpec(8 * TAG_BYTES, b, off, NONCE_BYTES);
  }

  /**
   * A 32-byte key as a JCE key, checked as {@link InsecureNonceAesGcmJce}'s constructor checks it.
   *
   * @param key the raw key (the JCE key holds its own copy)
   * @return the AES key
   * @throws GeneralSecurityException if the key is not 16 or 32 bytes or AES-GCM is unavailable in FIPS mode
   */
  static SecretKey aesKey(byte[] key) throws GeneralSecurityException {
    if (!InsecureNonceAesGcmJce.FIPS.isCompatible()) {
      throw new GeneralSecurityException(
          "Can not use AES-GCM in FIPS-mode, as BoringCrypto module is not available.");
    }
    return AesGcmJceUtil.getSecretKey(key);
  }

  /**
   * {@code Field.NAME} ({@code [A-Za-z][A-Za-z0-9_.-]{0,63}}) on a name's ASCII bytes, without a regex.
   *
   * @param b the bytes
   * @param off where the name starts
   * @param len its length
   * @return whether it is a valid field name
   */
  static boolean isFieldName(byte[] b, int off, int len) {
    if (len < 1 || len > MAX_NAME || !isLetter(b[off])) {
      return false;
    }
    for (int i = off + 1; i < off + len; i++) {
      byte c = b[i];
      if (!isLetter(c) && !(c >= '0' && c <= '9') && c != '_' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(byte c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /**
   * A name safe to quote in a message: anything outside the field-name alphabet becomes {@code ?}.
   *
   * @param s a name read from an envelope
   * @return the printable form
   */
  static String printable(String s) {
    return s.replaceAll("[^A-Za-z0-9_.-]", "?");
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static int u16(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 8);
    b[p + 1] = (byte) v;
    return p + 2;
  }

  static int u32(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
    return p + 4;
  }

  static int i64(byte[] b, int p, long v) {
    for (int i = 0; i < 8; i++) {
      b[p + i] = (byte) (v >>> (56 - 8 * i));
    }
    return p + 8;
  }

  /** A cursor over envelope bytes whose every read is checked against what remains. */
  static final class Reader {
    final byte[] b;
    /** Where the readable part ends (exclusive). */
    final int end;
    int pos;

    Reader(byte[] b) {
      this(b, 0, b.length);
    }

    /** A reader of {@code b[from, to)} whose positions stay those of {@code b}. */
    Reader(byte[] b, int from, int to) {
      this.b = b;
      this.pos = from;
      this.end = to;
    }

    void need(int n, String what) {
      if (n < 0 || end - pos < n) {
        throw new DecryptionException("envelope truncated in " + what + " at byte " + pos);
      }
    }

    int u8(String what) {
      need(1, what);
      return b[pos++] & 0xFF;
    }

    /**
     * The checks of {@link #need(int, String)} for a part named {@code what + detail + after}: the name is
     * built only for the message, not on every read (#12).
     */
    void need(int n, String what, Object detail, String after) {
      if (n < 0 || end - pos < n) {
        throw new DecryptionException("envelope truncated in " + what + detail + after + " at byte " + pos);
      }
    }

    /** {@link #u8(String)} for a part named {@code what + detail + after}. */
    int u8(String what, Object detail, String after) {
      need(1, what, detail, after);
      return b[pos++] & 0xFF;
    }

    /** {@link #u32(String)} for a part named {@code what + detail + after}. */
    int u32(String what, Object detail, String after) {
      need(4, what, detail, after);
      return u32Unchecked();
    }

    /** {@link #i64(String)} for a part named {@code what + detail + after}. */
    long i64(String what, Object detail, String after) {
      need(8, what, detail, after);
      return i64Unchecked();
    }

    /** {@link #ascii(int, String)} for a part named {@code what + detail + after}. */
    String ascii(int n, String what, Object detail, String after) {
      need(n, what, detail, after);
      String s = new String(b, pos, n, StandardCharsets.US_ASCII);
      pos += n;
      return s;
    }

    int u16(String what) {
      need(2, what);
      int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    int u32(String what) {
      need(4, what);
      return u32Unchecked();
    }

    private int u32Unchecked() {
      int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    /** Reads {@code n} bytes as US-ASCII (bytes above 0x7F become U+FFFD, which no rule accepts). */
    String ascii(int n, String what) {
      need(n, what);
      String s = new String(b, pos, n, StandardCharsets.US_ASCII);
      pos += n;
      return s;
    }

    long i64(String what) {
      need(8, what);
      return i64Unchecked();
    }

    private long i64Unchecked() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (b[pos + i] & 0xFF);
      }
      pos += 8;
      return v;
    }
  }
}
