package dev.lhn.secureforms.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An independent reading of format v2's layout for tests (it deliberately does not reuse the codec's
 * parser, so the two check each other). Only for well-formed envelopes.
 */
final class EnvelopeV2Layout {
  final byte[] e;
  int policyLenOffset;
  int policyOffset;
  int policyLength;
  /** Offsets inside the envelope of the policy's parts. */
  int formLenOffset;
  int schemaOffset;
  int refLenOffset;
  int refOffset;
  int submittedOffset;
  int deadlineOffset;
  int maxViewsOffset;
  int windowOffset;
  int afterEndOffset;
  int tenantLenOffset;
  int policyFieldCountOffset;
  int[] policyFieldStarts;
  int slotsOffset;
  int slotCount;
  int[] slotStarts;
  int[] slotIndex;
  int[] classLenOffsets;
  int[] windowStartOffsets;
  int[] slotNonceOffsets;
  int[] slotEnds;
  int fieldsOffset;
  int count;
  String[] names;
  int[] fieldStarts;
  int[] slotOffsets;
  int[] nonceOffsets;
  int[] ctLenOffsets;
  int[] ctOffsets;
  int[] ctLens;
  int[] fieldEnds;

  private EnvelopeV2Layout(byte[] e) {
    this.e = e;
  }

  private int u8(int p) {
    return e[p] & 0xFF;
  }

  private int u16(int p) {
    return (u8(p) << 8) | u8(p + 1);
  }

  static EnvelopeV2Layout of(byte[] e) {
    EnvelopeV2Layout l = new EnvelopeV2Layout(e);
    int p = 17;
    l.policyLenOffset = p;
    l.policyLength = l.u16(p);
    p += 2;
    l.policyOffset = p;
    l.formLenOffset = p;
    p += 1 + l.u8(p);
    l.schemaOffset = p;
    p += 4;
    l.refLenOffset = p;
    int ref = l.u16(p);
    p += 2;
    l.refOffset = p;
    p += ref;
    l.submittedOffset = p;
    l.deadlineOffset = p + 8;
    l.maxViewsOffset = p + 16;
    l.windowOffset = p + 18;
    l.afterEndOffset = p + 26;
    p += 34;
    l.tenantLenOffset = p;
    p += 1 + l.u8(p);
    l.policyFieldCountOffset = p;
    int pf = l.u8(p++);
    l.policyFieldStarts = new int[pf];
    for (int i = 0; i < pf; i++) {
      l.policyFieldStarts[i] = p;
      p += 1 + l.u8(p) + 16;
    }
    if (p != l.policyOffset + l.policyLength) {
      throw new IllegalArgumentException("policy length mismatch");
    }
    l.slotsOffset = p;
    int m = l.u8(p++);
    l.slotCount = m;
    l.slotStarts = new int[m];
    l.slotIndex = new int[m];
    l.classLenOffsets = new int[m];
    l.windowStartOffsets = new int[m];
    l.slotNonceOffsets = new int[m];
    l.slotEnds = new int[m];
    for (int k = 0; k < m; k++) {
      l.slotStarts[k] = p;
      l.slotIndex[k] = l.u8(p++);
      p += 1 + l.u8(p);
      l.classLenOffsets[k] = p;
      p += 1 + l.u8(p);
      l.windowStartOffsets[k] = p;
      p += 16;
      l.slotNonceOffsets[k] = p;
      p += 12 + 48;
      l.slotEnds[k] = p;
    }
    l.fieldsOffset = p;
    int n = l.u8(p++);
    l.count = n;
    l.names = new String[n];
    l.fieldStarts = new int[n];
    l.slotOffsets = new int[n];
    l.nonceOffsets = new int[n];
    l.ctLenOffsets = new int[n];
    l.ctOffsets = new int[n];
    l.ctLens = new int[n];
    l.fieldEnds = new int[n];
    for (int i = 0; i < n; i++) {
      l.fieldStarts[i] = p;
      int nl = l.u8(p++);
      l.names[i] = new String(e, p, nl, StandardCharsets.US_ASCII);
      p += nl;
      l.slotOffsets[i] = p++;
      l.nonceOffsets[i] = p++;
      l.ctLenOffsets[i] = p;
      l.ctLens[i] = (l.u16(p) << 16) | l.u16(p + 2);
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

  int fieldNamed(String name) {
    return Arrays.asList(names).indexOf(name);
  }

  byte[] slot(int k) {
    return Arrays.copyOfRange(e, slotStarts[k], slotEnds[k]);
  }

  byte[] field(int i) {
    return Arrays.copyOfRange(e, fieldStarts[i], fieldEnds[i]);
  }

  byte[] wrapped(int k) {
    return Arrays.copyOfRange(e, slotNonceOffsets[k], slotEnds[k]);
  }

  byte[][] slots() {
    byte[][] s = new byte[slotCount][];
    for (int k = 0; k < slotCount; k++) {
      s[k] = slot(k);
    }
    return s;
  }

  byte[][] fields() {
    byte[][] f = new byte[count][];
    for (int i = 0; i < count; i++) {
      f[i] = field(i);
    }
    return f;
  }

  /** The envelope rebuilt from this header (version, id, policy) and the given raw slot and field records. */
  byte[] rebuild(byte[][] slots, byte[][] fields) {
    int size = slotsOffset + 2;
    for (byte[] s : slots) {
      size += s.length;
    }
    for (byte[] f : fields) {
      size += f.length;
    }
    byte[] o = Arrays.copyOf(e, size);
    int p = slotsOffset;
    o[p++] = (byte) slots.length;
    for (byte[] s : slots) {
      System.arraycopy(s, 0, o, p, s.length);
      p += s.length;
    }
    o[p++] = (byte) fields.length;
    for (byte[] f : fields) {
      System.arraycopy(f, 0, o, p, f.length);
      p += f.length;
    }
    return o;
  }

  /** Slot k's nonce and wrapped key replaced by {@code wrapped} (60 bytes). */
  byte[] withWrapped(int k, byte[] wrapped) {
    byte[] o = e.clone();
    System.arraycopy(wrapped, 0, o, slotNonceOffsets[k], wrapped.length);
    return o;
  }

  /** Fields a and b keep their names and slots but exchange nonce index and ciphertext. */
  byte[] swapCiphertexts(int a, int b) {
    byte[][] f = fields();
    f[a] = record(a, b);
    f[b] = record(b, a);
    return rebuild(slots(), f);
  }

  private byte[] record(int head, int tail) {
    byte[] h = Arrays.copyOfRange(e, fieldStarts[head], slotOffsets[head] + 1);
    byte[] t = Arrays.copyOfRange(e, nonceOffsets[tail], fieldEnds[tail]);
    byte[] r = Arrays.copyOf(h, h.length + t.length);
    System.arraycopy(t, 0, r, h.length, t.length);
    return r;
  }

  /** The envelope with the policy block replaced (its length prefix adjusted). */
  byte[] withPolicy(byte[] policy) {
    byte[] tail = Arrays.copyOfRange(e, slotsOffset, e.length);
    byte[] o = new byte[policyOffset + policy.length + tail.length];
    System.arraycopy(e, 0, o, 0, policyLenOffset);
    o[policyLenOffset] = (byte) (policy.length >>> 8);
    o[policyLenOffset + 1] = (byte) policy.length;
    System.arraycopy(policy, 0, o, policyOffset, policy.length);
    System.arraycopy(tail, 0, o, policyOffset + policy.length, tail.length);
    return o;
  }

  byte[] policy() {
    return Arrays.copyOfRange(e, policyOffset, policyOffset + policyLength);
  }
}
