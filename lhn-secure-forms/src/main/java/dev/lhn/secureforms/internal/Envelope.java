package dev.lhn.secureforms.internal;

import static dev.lhn.secureforms.internal.EnvelopeBytes.ascii;
import static dev.lhn.secureforms.internal.EnvelopeBytes.isFieldName;
import static dev.lhn.secureforms.internal.EnvelopeBytes.printable;
import static dev.lhn.secureforms.internal.EnvelopeBytes.u16;
import static dev.lhn.secureforms.internal.EnvelopeBytes.u32;
import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.aead.internal.AesGcmJceUtil;
import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import com.google.crypto.tink.subtle.Random;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SecureFormsException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.internal.EnvelopeBytes.Reader;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Sealed envelope format v1 (docs/FORMAT.md): a fresh 32-byte data key (DEK) per submission wrapped by
 * the key-encryption key (KEK), each field AES-256-GCM under the DEK.
 *
 * <pre>
 * envelope   = version:u8(0x01) submissionId:16 formIdLen:u8 formId schemaVersion:u32
 *              wrappedDekLen:u16 wrappedDek fieldCount:u16 field*
 * field      = nameLen:u8 name nonceIndex:u8 ctLen:u32 ciphertext(ct || tag:16)
 * nonce      = 0x00000000 || nonceIndex as u64          (unique per field under a single-use DEK)
 * fieldAd    = 0x01 'F' formIdLen formId schemaVersion:u32 submissionId:16 nameLen name
 * dekAd      = 0x01 'K' formIdLen formId submissionId:16
 * </pre>
 *
 * <p>The DEK is used for exactly one submission and never re-encrypts: per-field purges drop a field's
 * bytes, key rotation re-wraps the DEK. A counter nonce is therefore unique under its key (the argument
 * TLS 1.3 and HPKE make for sequence-number nonces), which saves a CSPRNG call and 12 bytes per field;
 * Tink's {@link InsecureNonceAesGcmJce} is the primitive for exactly that use. The field loop does what
 * that primitive does (same key check, parameters, provider and FIPS rule) on a {@link Cipher} of its own,
 * so that it can write each ciphertext straight into the envelope, read each one in place, and leave the
 * thread's Tink cipher to a local KEK, whose key schedule then stays cached between submissions.
 *
 * <p>Thread-safe. Every length is checked against the remaining input and the format's limits before any
 * allocation or KEK call. Every failure to open is one {@link DecryptionException}, without a cause.
 */
public final class Envelope {
  public static final byte VERSION = 0x01;
  static final int DEK_BYTES = 32;
  static final int TAG_BYTES = 16;
  static final int NONCE_BYTES = 12;
  static final int MAX_WRAPPED_DEK = 4096;
  static final int MAX_FIELDS = FormSchema.MAX_FIELDS;
  /** The largest field ciphertext: the total plaintext limit plus the tag. */
  static final int MAX_FIELD_CIPHERTEXT = FormSchema.MAX_TOTAL_BYTES + TAG_BYTES;
  private static final byte AD_FIELD = 'F';
  private static final byte AD_DEK = 'K';
  private static final int MAX_NAME = EnvelopeBytes.MAX_NAME;

  private final Aead kek;

  public Envelope(Aead kek) {
    this.kek = requireNonNull(kek, "kek");
  }

  // ------------------------------------------------------------------ seal

  /** Seals normalised values for one submission. */
  public byte[] seal(SubmissionId id, String formId, int schemaVersion, NormalizedValues values) {
    int n = values.size();
    byte[] form = ascii(formId);
    byte[][] names = new byte[n][];
    int size = 1 + 16 + 1 + form.length + 4 + 2 + 2;
    int longestName = 0;
    for (int i = 0; i < n; i++) {
      names[i] = ascii(values.name(i));
      longestName = Math.max(longestName, names[i].length);
      size += 1 + names[i].length + 1 + 4 + values.valueUtf8(i).length + TAG_BYTES;
    }
    byte[] dek = Random.randBytes(DEK_BYTES);
    try {
      byte[] wrapped = kek.encrypt(dek, dekAd(form, id));
      if (wrapped.length == 0 || wrapped.length > MAX_WRAPPED_DEK) {
        throw new SecureFormsException("the key-encryption key produced a wrapped data key of "
            + wrapped.length + " bytes; format v1 allows 1 to " + MAX_WRAPPED_DEK);
      }
      size += wrapped.length;
      byte[] out = new byte[size];
      int p = writeHeader(out, id, form, schemaVersion);
      p = u16(out, p, wrapped.length);
      System.arraycopy(wrapped, 0, out, p, wrapped.length);
      p += wrapped.length;
      p = u16(out, p, n);
      SecretKey key = EnvelopeBytes.aesKey(dek);
      Cipher gcm = EnvelopeBytes.gcm();
      byte[] ad = fieldAdPrefix(form, schemaVersion, id, longestName);
      int adPrefix = ad.length - 1 - longestName;
      byte[] nonce = new byte[NONCE_BYTES];
      for (int i = 0; i < n; i++) {
        byte[] name = names[i];
        out[p++] = (byte) name.length;
        System.arraycopy(name, 0, out, p, name.length);
        p += name.length;
        out[p++] = (byte) i;
        byte[] pt = values.valueUtf8(i);
        int ctLength = pt.length + TAG_BYTES;
        p = u32(out, p, ctLength);
        nonce[NONCE_BYTES - 1] = (byte) i;
        gcm.init(Cipher.ENCRYPT_MODE, key, AesGcmJceUtil.getParams(nonce));
        gcm.updateAAD(ad, 0, fieldAd(ad, adPrefix, name, 0, name.length));
        if (gcm.doFinal(pt, 0, pt.length, out, p) != ctLength) {
          throw new GeneralSecurityException("encryption failed");
        }
        p += ctLength;
      }
      if (p != size) {
        throw new IllegalStateException("envelope size mismatch: " + p + " != " + size);
      }
      return out;
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof SecureFormsException sfe) {
        throw sfe;
      }
      throw new SecureFormsException("sealing failed: the key-encryption key or the cipher failed ("
          + e.getClass().getSimpleName() + ")");
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  // ------------------------------------------------------------------ open

  /**
   * Opens an envelope that must belong to the given submission, form and schema version.
   *
   * @param wanted which fields to decrypt; the others are authenticated by nothing and skipped
   * @throws DecryptionException if anything is malformed, foreign or fails to authenticate
   */
  public Opened open(byte[] envelope, SubmissionId id, String formId, int schemaVersion,
      Predicate<String> wanted) {
    Parsed parsed = parse(envelope);
    byte[] form = ascii(formId);
    if (!parsed.id.equals(id)) {
      throw new DecryptionException("envelope belongs to another submission");
    }
    if (!Arrays.equals(envelope, parsed.formOffset, parsed.formOffset + parsed.formLength, form, 0, form.length)) {
      throw new DecryptionException("envelope belongs to another form");
    }
    if (parsed.schemaVersion != schemaVersion) {
      throw new DecryptionException("envelope belongs to another schema version");
    }
    byte[] dek;
    try {
      dek = kek.decrypt(
          Arrays.copyOfRange(envelope, parsed.wrappedOffset, parsed.wrappedOffset + parsed.wrappedLength),
          dekAd(form, id));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new DecryptionException("data key of submission " + id
          + " could not be unwrapped: the key-encryption key failed or the envelope was tampered with");
    }
    String[] names = new String[parsed.fieldCount];
    byte[][] values = new byte[parsed.fieldCount][];
    int opened = 0;
    try {
      if (dek.length != DEK_BYTES) {
        throw new DecryptionException("data key of submission " + id + " has the wrong length");
      }
      SecretKey key = EnvelopeBytes.aesKey(dek);
      Cipher gcm = EnvelopeBytes.gcm();
      byte[] ad = fieldAdPrefix(form, schemaVersion, id, MAX_NAME);
      int adPrefix = ad.length - 1 - MAX_NAME;
      byte[] nonce = new byte[NONCE_BYTES];
      for (int i = 0; i < parsed.fieldCount; i++) {
        String name = parsed.names[i];
        if (!wanted.test(name)) {
          continue;
        }
        byte[] pt;
        try {
          // the name's bytes in the envelope are the ASCII of `name`: parse() checked them
          int nameAt = parsed.fieldStarts[i] + 1;
          int adLength = fieldAd(ad, adPrefix, envelope, nameAt, envelope[nameAt - 1] & 0xFF);
          nonce[NONCE_BYTES - 1] = (byte) parsed.nonceIndex[i];
          gcm.init(Cipher.DECRYPT_MODE, key, AesGcmJceUtil.getParams(nonce));
          gcm.updateAAD(ad, 0, adLength);
          pt = gcm.doFinal(envelope, parsed.ctOffsets[i], parsed.ctLengths[i]);
        } catch (GeneralSecurityException e) {
          throw new DecryptionException("field '" + name + "' of submission " + id + " failed to authenticate");
        }
        names[opened] = name;
        values[opened++] = pt;
      }
      return new Opened(Arrays.copyOf(names, opened), Arrays.copyOf(values, opened));
    } catch (GeneralSecurityException e) {
      throw new DecryptionException("data key of submission " + id + " is not a valid AES-256 key");
    } catch (RuntimeException e) {
      for (int i = 0; i < opened; i++) {
        Arrays.fill(values[i], (byte) 0);
      }
      throw e;
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  /** Plaintexts in envelope order; the caller owns the arrays and wipes them. */
  public record Opened(String[] names, byte[][] values) {}

  /**
   * Re-encodes an envelope without some fields, without any key: the remaining field ciphertexts are
   * bound to their own names and stay valid.
   */
  public static byte[] withoutFields(byte[] envelope, Set<String> drop) {
    Parsed p = parse(envelope);
    int size = p.fieldsOffset + 2;
    int kept = 0;
    for (int i = 0; i < p.fieldCount; i++) {
      if (!drop.contains(p.names[i])) {
        size += p.fieldEnds[i] - p.fieldStarts[i];
        kept++;
      }
    }
    byte[] out = new byte[size];
    System.arraycopy(envelope, 0, out, 0, p.fieldsOffset);
    int q = u16(out, p.fieldsOffset, kept);
    for (int i = 0; i < p.fieldCount; i++) {
      if (!drop.contains(p.names[i])) {
        int len = p.fieldEnds[i] - p.fieldStarts[i];
        System.arraycopy(envelope, p.fieldStarts[i], out, q, len);
        q += len;
      }
    }
    return out;
  }

  /** The field names an envelope holds, in order, without any key. */
  public static String[] fieldNames(byte[] envelope) {
    return parse(envelope).names.clone();
  }

  /**
   * Re-wraps an envelope's data key under another key-encryption key (key rotation); the field
   * ciphertexts are copied unchanged.
   */
  public byte[] rewrap(byte[] envelope, SubmissionId id, String formId, Aead newKek) {
    Parsed p = parse(envelope);
    byte[] form = ascii(formId);
    byte[] ad = dekAd(form, id);
    byte[] dek = null;
    try {
      dek = kek.decrypt(Arrays.copyOfRange(envelope, p.wrappedOffset, p.wrappedOffset + p.wrappedLength), ad);
      byte[] wrapped = newKek.encrypt(dek, ad);
      byte[] out = new byte[envelope.length - p.wrappedLength + wrapped.length];
      int q = p.wrappedOffset - 2;
      System.arraycopy(envelope, 0, out, 0, q);
      q = u16(out, q, wrapped.length);
      System.arraycopy(wrapped, 0, out, q, wrapped.length);
      q += wrapped.length;
      System.arraycopy(envelope, p.fieldsOffset, out, q, envelope.length - p.fieldsOffset);
      return out;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new DecryptionException("data key of submission " + id + " could not be re-wrapped");
    } finally {
      if (dek != null) {
        Arrays.fill(dek, (byte) 0);
      }
    }
  }

  // ------------------------------------------------------------------ parsing

  private static final class Parsed {
    SubmissionId id;
    int formOffset;
    int formLength;
    int schemaVersion;
    int wrappedOffset;
    int wrappedLength;
    int fieldsOffset;
    int fieldCount;
    String[] names;
    int[] nonceIndex;
    int[] ctOffsets;
    int[] ctLengths;
    int[] fieldStarts;
    int[] fieldEnds;
  }

  /** Parses and bounds-checks the whole envelope without allocating anything sized by its content. */
  static Parsed parse(byte[] e) {
    requireNonNull(e, "envelope");
    Parsed p = new Parsed();
    Reader r = new Reader(e);
    int version = r.u8("version");
    if (version != VERSION) {
      throw new DecryptionException("unknown envelope format version " + version);
    }
    r.need(16, "submission id");
    p.id = SubmissionId.fromBytes(Arrays.copyOfRange(e, r.pos, r.pos + 16));
    r.pos += 16;
    p.formLength = r.u8("form id length");
    if (p.formLength < 1 || p.formLength > 64) {
      throw new DecryptionException("form id length " + p.formLength + " is outside 1 to 64");
    }
    r.need(p.formLength, "form id");
    p.formOffset = r.pos;
    r.pos += p.formLength;
    p.schemaVersion = r.u32("schema version");
    p.wrappedLength = r.u16("wrapped data key length");
    if (p.wrappedLength < 1 || p.wrappedLength > MAX_WRAPPED_DEK) {
      throw new DecryptionException("wrapped data key length " + p.wrappedLength + " is outside 1 to " + MAX_WRAPPED_DEK);
    }
    r.need(p.wrappedLength, "wrapped data key");
    p.wrappedOffset = r.pos;
    r.pos += p.wrappedLength;
    p.fieldsOffset = r.pos;
    p.fieldCount = r.u16("field count");
    if (p.fieldCount > MAX_FIELDS) {
      throw new DecryptionException("field count " + p.fieldCount + " exceeds " + MAX_FIELDS);
    }
    int n = p.fieldCount;
    p.names = new String[n];
    p.nonceIndex = new int[n];
    p.ctOffsets = new int[n];
    p.ctLengths = new int[n];
    p.fieldStarts = new int[n];
    p.fieldEnds = new int[n];
    long seenNonces = 0;
    for (int i = 0; i < n; i++) {
      p.fieldStarts[i] = r.pos;
      int nameLen = r.u8("field name length");
      if (nameLen < 1 || nameLen > 64) {
        throw new DecryptionException("field name length " + nameLen + " is outside 1 to 64");
      }
      r.need(nameLen, "field name");
      String name = new String(e, r.pos, nameLen, StandardCharsets.US_ASCII);
      r.pos += nameLen;
      for (int j = 0; j < i; j++) {
        if (p.names[j].equals(name)) {
          throw new DecryptionException("field '" + printable(name) + "' appears twice");
        }
      }
      if (!isFieldName(e, r.pos - nameLen, nameLen)) {
        throw new DecryptionException("a field name is not valid");
      }
      int nonce = r.u8("nonce index");
      if (nonce >= MAX_FIELDS) {
        throw new DecryptionException("nonce index " + nonce + " exceeds " + (MAX_FIELDS - 1));
      }
      if ((seenNonces & (1L << nonce)) != 0) {
        throw new DecryptionException("nonce index " + nonce + " appears twice");
      }
      seenNonces |= 1L << nonce;
      long ctLen = r.u32("ciphertext length") & 0xFFFFFFFFL;
      if (ctLen < TAG_BYTES || ctLen > MAX_FIELD_CIPHERTEXT) {
        throw new DecryptionException("ciphertext length " + ctLen + " of field '" + name
            + "' is outside " + TAG_BYTES + " to " + MAX_FIELD_CIPHERTEXT);
      }
      r.need((int) ctLen, "ciphertext of field '" + name + "'");
      p.names[i] = name;
      p.nonceIndex[i] = nonce;
      p.ctOffsets[i] = r.pos;
      p.ctLengths[i] = (int) ctLen;
      r.pos += (int) ctLen;
      p.fieldEnds[i] = r.pos;
    }
    if (r.pos != e.length) {
      throw new DecryptionException((e.length - r.pos) + " unexpected bytes after the last field");
    }
    return p;
  }

  // ------------------------------------------------------------------ helpers

  private static int writeHeader(byte[] out, SubmissionId id, byte[] form, int schemaVersion) {
    out[0] = VERSION;
    id.writeTo(out, 1);
    out[17] = (byte) form.length;
    System.arraycopy(form, 0, out, 18, form.length);
    return u32(out, 18 + form.length, schemaVersion);
  }

  private static byte[] dekAd(byte[] form, SubmissionId id) {
    byte[] ad = new byte[2 + 1 + form.length + 16];
    ad[0] = VERSION;
    ad[1] = AD_DEK;
    ad[2] = (byte) form.length;
    System.arraycopy(form, 0, ad, 3, form.length);
    id.writeTo(ad, 3 + form.length);
    return ad;
  }

  /**
   * A buffer for every field's associated data of one envelope: the common prefix, then room for
   * {@code nameLen name} of a name of up to {@code longestName} bytes, which {@link #fieldAd} writes for
   * each field in turn.
   */
  private static byte[] fieldAdPrefix(byte[] form, int schemaVersion, SubmissionId id, int longestName) {
    byte[] ad = new byte[2 + 1 + form.length + 4 + 16 + 1 + longestName];
    ad[0] = VERSION;
    ad[1] = AD_FIELD;
    ad[2] = (byte) form.length;
    System.arraycopy(form, 0, ad, 3, form.length);
    int p = u32(ad, 3 + form.length, schemaVersion);
    id.writeTo(ad, p);
    return ad;
  }

  /** Completes the associated data in {@code ad} after {@code prefix} bytes with one field's name; returns its length. */
  private static int fieldAd(byte[] ad, int prefix, byte[] name, int offset, int length) {
    ad[prefix] = (byte) length;
    System.arraycopy(name, offset, ad, prefix + 1, length);
    return prefix + 1 + length;
  }
}
