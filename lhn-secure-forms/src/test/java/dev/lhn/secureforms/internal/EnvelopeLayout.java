package dev.lhn.secureforms.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An independent reading of format v1's layout for tests (it deliberately does not reuse the codec's
 * parser, so the two check each other). Only for well-formed envelopes.
 */
final class EnvelopeLayout {
  final byte[] e;
  int formLength;
  int wrappedOffset;
  int wrappedLength;
  int fieldsOffset;
  int count;
  String[] names;
  int[] fieldStarts;
  int[] fieldEnds;
  int[] nonceOffsets;
  int[] ctLenOffsets;
  int[] ctOffsets;
  int[] ctLens;

  private EnvelopeLayout(byte[] e) {
    this.e = e;
  }

  static EnvelopeLayout of(byte[] e) {
    EnvelopeLayout l = new EnvelopeLayout(e);
    int p = 17;
    l.formLength = e[p++] & 0xFF;
    p += l.formLength + 4;
    l.wrappedLength = ((e[p] & 0xFF) << 8) | (e[p + 1] & 0xFF);
    p += 2;
    l.wrappedOffset = p;
    p += l.wrappedLength;
    l.fieldsOffset = p;
    l.count = ((e[p] & 0xFF) << 8) | (e[p + 1] & 0xFF);
    p += 2;
    int n = l.count;
    l.names = new String[n];
    l.fieldStarts = new int[n];
    l.fieldEnds = new int[n];
    l.nonceOffsets = new int[n];
    l.ctLenOffsets = new int[n];
    l.ctOffsets = new int[n];
    l.ctLens = new int[n];
    for (int i = 0; i < n; i++) {
      l.fieldStarts[i] = p;
      int nl = e[p++] & 0xFF;
      l.names[i] = new String(e, p, nl, StandardCharsets.US_ASCII);
      p += nl;
      l.nonceOffsets[i] = p++;
      l.ctLenOffsets[i] = p;
      l.ctLens[i] = ((e[p] & 0xFF) << 24) | ((e[p + 1] & 0xFF) << 16) | ((e[p + 2] & 0xFF) << 8) | (e[p + 3] & 0xFF);
      p += 4;
      l.ctOffsets[i] = p;
      p += l.ctLens[i];
      l.fieldEnds[i] = p;
    }
    if (p != e.length) {
      throw new IllegalArgumentException("not a well-formed envelope");
    }
    return l;
  }

  byte[] wrappedDek() {
    return Arrays.copyOfRange(e, wrappedOffset, wrappedOffset + wrappedLength);
  }

  byte[] field(int i) {
    return Arrays.copyOfRange(e, fieldStarts[i], fieldEnds[i]);
  }

  byte[] ciphertextAndNonce(int i) {
    return Arrays.copyOfRange(e, nonceOffsets[i], fieldEnds[i]);
  }

  /** Rebuilds the envelope from a header and a list of raw field records. */
  private byte[] rebuild(byte[] header, byte[]... fields) {
    int size = header.length + 2;
    for (byte[] f : fields) {
      size += f.length;
    }
    byte[] o = Arrays.copyOf(header, size);
    int p = header.length;
    o[p++] = (byte) (fields.length >>> 8);
    o[p++] = (byte) fields.length;
    for (byte[] f : fields) {
      System.arraycopy(f, 0, o, p, f.length);
      p += f.length;
    }
    return o;
  }

  private byte[] header() {
    return Arrays.copyOf(e, fieldsOffset);
  }

  private byte[][] fields() {
    byte[][] f = new byte[count][];
    for (int i = 0; i < count; i++) {
      f[i] = field(i);
    }
    return f;
  }

  private static byte[] record(String name, byte[] nonceAndCt) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] r = new byte[1 + n.length + nonceAndCt.length];
    r[0] = (byte) n.length;
    System.arraycopy(n, 0, r, 1, n.length);
    System.arraycopy(nonceAndCt, 0, r, 1 + n.length, nonceAndCt.length);
    return r;
  }

  /** Fields a and b keep their names but exchange nonce and ciphertext. */
  byte[] swapCiphertexts(int a, int b) {
    byte[][] f = fields();
    f[a] = record(names[a], ciphertextAndNonce(b));
    f[b] = record(names[b], ciphertextAndNonce(a));
    return rebuild(header(), f);
  }

  /** Field i replaced by field j of another envelope. */
  byte[] replaceField(int i, EnvelopeLayout other, int j) {
    byte[][] f = fields();
    f[i] = other.field(j);
    return rebuild(header(), f);
  }

  byte[] renameField(int i, String name) {
    byte[][] f = fields();
    f[i] = record(name, ciphertextAndNonce(i));
    return rebuild(header(), f);
  }

  byte[] withWrappedDek(byte[] wrapped) {
    byte[] h = new byte[wrappedOffset + wrapped.length];
    System.arraycopy(e, 0, h, 0, wrappedOffset - 2);
    h[wrappedOffset - 2] = (byte) (wrapped.length >>> 8);
    h[wrappedOffset - 1] = (byte) wrapped.length;
    System.arraycopy(wrapped, 0, h, wrappedOffset, wrapped.length);
    return rebuild(h, fields());
  }
}
