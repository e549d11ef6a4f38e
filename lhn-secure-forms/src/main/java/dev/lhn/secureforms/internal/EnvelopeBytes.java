package dev.lhn.secureforms.internal;

import com.google.crypto.tink.aead.internal.AesGcmJceUtil;
import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import com.google.crypto.tink.subtle.EngineFactory;
import dev.lhn.secureforms.DecryptionException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

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
  private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
    try {
      return EngineFactory.CIPHER.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

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

    int u16(String what) {
      need(2, what);
      int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    int u32(String what) {
      need(4, what);
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
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (b[pos + i] & 0xFF);
      }
      pos += 8;
      return v;
    }
  }
}
