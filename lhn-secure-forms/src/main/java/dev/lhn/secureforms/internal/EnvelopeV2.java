package dev.lhn.secureforms.internal;

import static dev.lhn.secureforms.internal.EnvelopeBytes.KEY_BYTES;
import static dev.lhn.secureforms.internal.EnvelopeBytes.NONCE_BYTES;
import static dev.lhn.secureforms.internal.EnvelopeBytes.TAG_BYTES;
import static dev.lhn.secureforms.internal.EnvelopeBytes.ascii;
import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.subtle.Random;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SecureFormsException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.internal.EnvelopeBytes.Reader;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Sealed envelope format v2 (docs/FORMAT.md, "Version 2"): key slots under epoch keys and an
 * authenticated policy. A codec only: it is given epoch keys and never asks a store or a KMS for one.
 *
 * <pre>
 * envelope = version:u8(0x02) submissionId:16 policyLen:u16 policy slotCount:u8 slot* fieldCount:u8 field*
 * slot     = index:u8 tenantLen:u8 tenant classLen:u8 keyClass windowStart:i64 windowLength:i64
 *            wrapNonce:12 wrappedDek:48 (AES-256-GCM(epochKey, wrapNonce, DEK, wrapAd) = ct:32 || tag:16)
 * field    = nameLen:u8 name slot:u8 nonceIndex:u8 ctLen:u32 ciphertext (AES-256-GCM(DEK[slot], nonce, value, fieldAd))
 * policyHash = SHA-256(0x16 "lsf/envelope-v2/policy" policy)
 * wrapAd   = 0x02 'K' submissionId policyHash (the slot's bytes from index to windowLength)
 * fieldAd  = 0x02 'F' submissionId policyHash slot nameLen name
 * nonce    = 0x00000000 || nonceIndex as u64
 * </pre>
 *
 * <p>Slot 0 holds the submission's data key and is always present; every other slot is present only while
 * a field uses it ({@link #withoutFields} drops the rest, and their wrapped data keys with them). Every data
 * key is fresh, used for one envelope and never to encrypt again, so the field nonces are counters, unique in
 * the envelope. The wrap nonce is random (12 bytes from Tink's {@link Random}): an epoch key wraps one data
 * key per slot of every submission whose deadline falls in its window.
 *
 * <p>Thread-safe, static. Every failure to parse or open is one {@link DecryptionException} without a cause,
 * naming the part; all structure is checked before any key is used.
 */
public final class EnvelopeV2 {
  /** The format version, the envelope's first byte. */
  public static final byte VERSION = 0x02;
  /** The most key slots an envelope can hold. */
  public static final int MAX_SLOTS = 16;
  static final int MAX_FIELDS = FormSchema.MAX_FIELDS;
  static final int MAX_FIELD_CIPHERTEXT = FormSchema.MAX_TOTAL_BYTES + TAG_BYTES;
  /** A wrapped data key: the 32-byte key's ciphertext and its tag (the nonce precedes it). */
  static final int WRAPPED_BYTES = KEY_BYTES + TAG_BYTES;
  static final int HASH_BYTES = 32;
  private static final byte AD_FIELD = 'F';
  private static final byte AD_KEY = 'K';
  private static final byte[] POLICY_DOMAIN = ascii("\u0016lsf/envelope-v2/policy");
  /** {@code version 'F' submissionId policyHash}. */
  private static final int FIELD_AD_PREFIX = 2 + SubmissionId.BYTES + HASH_BYTES;

  /** Where data keys and wrap nonces come from: Tink's CSPRNG, except in the vector generator. */
  interface Randomness {
    /**
     * Fresh bytes.
     *
     * @param n how many
     * @return a new array of {@code n} bytes
     */
    byte[] bytes(int n);

    /**
     * A slot's data key and wrap nonce: {@code bytes(32)} then {@code bytes(12)}, in one array of 44 bytes (the
     * vector generator's sequence of draws, which its frozen vectors depend on).
     *
     * @return the key (bytes 0 to 31) and the nonce (32 to 43); the caller wipes it
     */
    default byte[] keyAndNonce() {
      byte[] key = bytes(KEY_BYTES);
      byte[] nonce = bytes(NONCE_BYTES);
      try {
        if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
          throw new IllegalStateException("randomness returned the wrong number of bytes");
        }
        byte[] both = Arrays.copyOf(key, KEY_BYTES + NONCE_BYTES);
        System.arraycopy(nonce, 0, both, KEY_BYTES, NONCE_BYTES);
        return both;
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /**
   * Tink's CSPRNG; a slot's key and nonce in one draw (#12: each draw from the JDK's {@code NativePRNG} takes
   * its lock and mixes its own output, 4% of a seal per draw). 44 uniformly random bytes split in two are a
   * uniformly random key and an independent uniformly random nonce, as two draws are.
   */
  private static final Randomness CSPRNG = new Randomness() {
    @Override
    public byte[] bytes(int n) {
      return Random.randBytes(n);
    }

    @Override
    public byte[] keyAndNonce() {
      return Random.randBytes(KEY_BYTES + NONCE_BYTES);
    }
  };

  private EnvelopeV2() {}

  // ------------------------------------------------------------------ version

  /**
   * The format version of an envelope, to choose its codec ({@link Envelope} or this one).
   *
   * @param envelope the stored bytes
   * @return 1 or 2
   * @throws DecryptionException if the envelope is empty or of another version
   */
  public static int version(byte[] envelope) {
    requireNonNull(envelope, "envelope");
    if (envelope.length == 0) {
      throw new DecryptionException("envelope truncated in version at byte 0");
    }
    int v = envelope[0] & 0xFF;
    if (v != Envelope.VERSION && v != VERSION) {
      throw new DecryptionException("unknown envelope format version " + v);
    }
    return v;
  }

  // ------------------------------------------------------------------ seal

  /**
   * Seals one submission's values: a fresh data key per slot in use, each wrapped under its slot's epoch
   * key, each field under the data key of the slot {@code slotOfField} names.
   *
   * <p>Slot 0 is the submission's data key and is always written; another slot is written only if a
   * present field uses it (an optional field left empty does not leave a wrapped key behind). Slot indices
   * are positions in {@code slots}.
   *
   * @param id the submission
   * @param policy its immutable policy, authenticated by every wrapped key and every field
   * @param values the normalised values of {@code policy}'s form and schema version; every name must be in
   *     {@code policy.fields()}; not closed here
   * @param slots 1 to {@value #MAX_SLOTS} slots; read, not closed (the caller wipes them)
   * @param slotOfField the slot index, {@code 0 <= i < slots.size()}, of each present field's name
   * @return the envelope
   * @throws IllegalArgumentException if the values, slots or assignment do not fit the policy or the limits
   * @throws SecureFormsException if the cipher fails (never with key or value bytes)
   */
  public static byte[] seal(SubmissionId id, Policy policy, NormalizedValues values, List<KeySlot> slots,
      ToIntFunction<String> slotOfField) {
    return seal(id, policy, values, slots, slotOfField, CSPRNG);
  }

  /**
   * {@link #seal(SubmissionId, Policy, NormalizedValues, List, ToIntFunction)} with its randomness
   * injected: for the frozen vectors only.
   *
   * @param random the source of data keys and wrap nonces
   * @return the envelope
   */
  static byte[] seal(SubmissionId id, Policy policy, NormalizedValues values, List<KeySlot> slots,
      ToIntFunction<String> slotOfField, Randomness random) {
    requireNonNull(id, "id");
    requireNonNull(policy, "policy");
    requireNonNull(values, "values");
    requireNonNull(slots, "slots");
    requireNonNull(slotOfField, "slotOfField");
    if (slots.isEmpty() || slots.size() > MAX_SLOTS) {
      throw new IllegalArgumentException("slots must hold 1 to " + MAX_SLOTS + " slots, got " + slots.size());
    }
    for (int s = 0; s < slots.size(); s++) {
      if (slots.get(s) == null) { // not requireNonNull(x, "slots[" + s + "]"): no message built per seal
        throw new NullPointerException("slots[" + s + "]");
      }
    }
    FormSchema schema = values.schema();
    if (!schema.formId().equals(policy.formId()) || schema.version() != policy.schemaVersion()) {
      throw new IllegalArgumentException("values are of form " + schema.formId() + " version " + schema.version()
          + ", the policy of form " + policy.formId() + " version " + policy.schemaVersion());
    }
    int n = values.size();
    if (n > MAX_FIELDS) {
      throw new IllegalArgumentException("at most " + MAX_FIELDS + " fields, got " + n);
    }
    byte[][] names = new byte[n][];
    int[] slotOf = new int[n];
    boolean[] used = new boolean[slots.size()];
    used[0] = true;
    byte[] policyBytes = policy.encode();
    int size = 1 + SubmissionId.BYTES + 2 + policyBytes.length + 1 + 1;
    for (int i = 0; i < n; i++) {
      String name = values.name(i);
      if (!policy.hasField(name)) {
        throw new IllegalArgumentException("field '" + name + "' is not in the policy's field list");
      }
      int s = slotOfField.applyAsInt(name);
      if (s < 0 || s >= slots.size()) {
        throw new IllegalArgumentException("slot " + s + " of field '" + name + "' is outside 0 to "
            + (slots.size() - 1));
      }
      names[i] = ascii(name);
      slotOf[i] = s;
      used[s] = true;
      int ct = values.valueUtf8(i).length + TAG_BYTES;
      if (ct > MAX_FIELD_CIPHERTEXT) {
        throw new IllegalArgumentException("value of field '" + name + "' is longer than " + FormSchema.MAX_TOTAL_BYTES);
      }
      size += 1 + names[i].length + 1 + 1 + 4 + ct;
    }
    byte[][] slotHeaders = new byte[slots.size()][];
    for (int s = 0; s < slots.size(); s++) {
      String rule = slotRule(slots.get(s).id(), s, policy);
      if (rule != null) {
        throw new IllegalArgumentException(rule);
      }
      if (used[s]) {
        slotHeaders[s] = slotHeader(s, slots.get(s).id());
        size += slotHeaders[s].length + NONCE_BYTES + WRAPPED_BYTES;
      }
    }
    byte[] hash = policyHash(policyBytes, 0, policyBytes.length);
    byte[][] deks = new byte[slots.size()][];
    try {
      byte[] out = new byte[size];
      out[0] = VERSION;
      id.writeTo(out, 1);
      int p = EnvelopeBytes.u16(out, 1 + SubmissionId.BYTES, policyBytes.length);
      System.arraycopy(policyBytes, 0, out, p, policyBytes.length);
      p += policyBytes.length;
      int slotCount = 0;
      for (boolean u : used) {
        slotCount += u ? 1 : 0;
      }
      out[p++] = (byte) slotCount;
      Cipher wrap = EnvelopeBytes.wrapGcm();
      for (int s = 0; s < slots.size(); s++) {
        if (!used[s]) {
          continue;
        }
        byte[] header = slotHeaders[s];
        System.arraycopy(header, 0, out, p, header.length);
        p += header.length;
        byte[] keyAndNonce = random.keyAndNonce();
        try {
          if (keyAndNonce.length != KEY_BYTES + NONCE_BYTES) {
            throw new IllegalStateException("randomness returned the wrong number of bytes");
          }
          deks[s] = Arrays.copyOf(keyAndNonce, KEY_BYTES);
          System.arraycopy(keyAndNonce, KEY_BYTES, out, p, NONCE_BYTES);
        } finally {
          Arrays.fill(keyAndNonce, (byte) 0);
        }
        wrap.init(Cipher.ENCRYPT_MODE, EnvelopeBytes.aesKey(slots.get(s).epochKey()), EnvelopeBytes.params(out, p));
        p += NONCE_BYTES;
        wrap.updateAAD(wrapAd(id, hash, header, 0, header.length));
        if (wrap.doFinal(deks[s], 0, KEY_BYTES, out, p) != WRAPPED_BYTES) {
          throw new GeneralSecurityException("wrapping failed");
        }
        p += WRAPPED_BYTES;
      }
      out[p++] = (byte) n;
      Cipher gcm = EnvelopeBytes.gcm();
      SecretKey[] keys = new SecretKey[slots.size()];
      byte[] ad = fieldAdPrefix(id, hash);
      byte[] nonce = new byte[NONCE_BYTES];
      for (int i = 0; i < n; i++) {
        int s = slotOf[i];
        if (keys[s] == null) {
          keys[s] = EnvelopeBytes.aesKey(deks[s]);
        }
        byte[] name = names[i];
        out[p++] = (byte) name.length;
        System.arraycopy(name, 0, out, p, name.length);
        p += name.length;
        out[p++] = (byte) s;
        out[p++] = (byte) i;
        byte[] pt = values.valueUtf8(i);
        int ctLength = pt.length + TAG_BYTES;
        p = EnvelopeBytes.u32(out, p, ctLength);
        nonce[NONCE_BYTES - 1] = (byte) i;
        gcm.init(Cipher.ENCRYPT_MODE, keys[s], EnvelopeBytes.params(nonce, 0));
        gcm.updateAAD(ad, 0, fieldAd(ad, s, name, 0, name.length));
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
      throw new SecureFormsException("sealing failed: the cipher failed (" + e.getClass().getSimpleName() + ")");
    } finally {
      for (byte[] dek : deks) {
        if (dek != null) {
          Arrays.fill(dek, (byte) 0);
        }
      }
    }
  }

  // ------------------------------------------------------------------ parse

  /**
   * What an envelope says about itself, read without any key: for listings and purges. Nothing here is
   * authenticated until {@link #open} has unwrapped slot 0.
   *
   * @param version {@value #VERSION}
   * @param id the submission id in the header
   * @param policy the policy block, decoded (not yet authenticated)
   * @param slots the slots present, by index, ascending
   * @param fieldSlots each field's name and slot index, in envelope order
   */
  public record Parsed(int version, SubmissionId id, Policy policy, Map<Integer, KeySlotId> slots,
      Map<String, Integer> fieldSlots) {
    /**
     * Copies the maps, keeping their order.
     */
    public Parsed {
      slots = Collections.unmodifiableMap(new LinkedHashMap<>(slots));
      fieldSlots = Collections.unmodifiableMap(new LinkedHashMap<>(fieldSlots));
    }
  }

  /**
   * Parses and checks an envelope's whole structure, without any key.
   *
   * @param envelope the stored bytes
   * @return its version, id, policy, slot ids and fields with their slots
   * @throws DecryptionException if anything is malformed (docs/FORMAT.md lists the checks)
   */
  public static Parsed parse(byte[] envelope) {
    Layout l = layout(envelope);
    Map<Integer, KeySlotId> slots = new LinkedHashMap<>();
    for (int k = 0; k < l.slotCount; k++) {
      slots.put(l.slotIndex[k], l.slotIds[k]);
    }
    Map<String, Integer> fields = new LinkedHashMap<>();
    for (int i = 0; i < l.fieldCount; i++) {
      fields.put(l.names[i], l.fieldSlot[i]);
    }
    return new Parsed(VERSION, l.id, l.policy, slots, fields);
  }

  /** Offsets of a checked envelope; k indexes slots as they appear, i fields. */
  static final class Layout {
    SubmissionId id;
    int policyOffset;
    int policyLength;
    Policy policy;
    int slotsOffset;
    int slotCount;
    int[] slotIndex;
    KeySlotId[] slotIds;
    int[] slotStarts;
    int[] slotNonces;
    int[] slotEnds;
    /** Position k of each slot index, or -1. */
    final int[] positionOf = new int[MAX_SLOTS];
    int fieldsOffset;
    int fieldCount;
    String[] names;
    int[] fieldSlot;
    int[] nonceIndex;
    int[] ctOffsets;
    int[] ctLengths;
    int[] fieldStarts;
    int[] fieldEnds;
  }

  /** Parses and bounds-checks the whole envelope before allocating anything sized by its content. */
  static Layout layout(byte[] e) {
    requireNonNull(e, "envelope");
    Layout l = new Layout();
    Reader r = new Reader(e);
    int version = r.u8("version");
    if (version != VERSION) {
      throw new DecryptionException("unknown envelope format version " + version);
    }
    r.need(SubmissionId.BYTES, "submission id");
    l.id = SubmissionId.fromBytes(Arrays.copyOfRange(e, r.pos, r.pos + SubmissionId.BYTES));
    r.pos += SubmissionId.BYTES;
    l.policyLength = r.u16("policy length");
    if (l.policyLength < 1 || l.policyLength > Policy.MAX_ENCODED) {
      throw new DecryptionException("policy length " + l.policyLength + " is outside 1 to " + Policy.MAX_ENCODED);
    }
    r.need(l.policyLength, "policy");
    l.policyOffset = r.pos;
    l.policy = Policy.decode(e, r.pos, l.policyLength);
    r.pos += l.policyLength;

    l.slotsOffset = r.pos;
    int m = r.u8("slot count");
    if (m < 1 || m > MAX_SLOTS) {
      throw new DecryptionException("slot count " + m + " is outside 1 to " + MAX_SLOTS);
    }
    l.slotCount = m;
    l.slotIndex = new int[m];
    l.slotIds = new KeySlotId[m];
    l.slotStarts = new int[m];
    l.slotNonces = new int[m];
    l.slotEnds = new int[m];
    Arrays.fill(l.positionOf, -1);
    for (int k = 0; k < m; k++) {
      l.slotStarts[k] = r.pos;
      int index = r.u8("slot index");
      if (index >= MAX_SLOTS) {
        throw new DecryptionException("slot index " + index + " exceeds " + (MAX_SLOTS - 1));
      }
      if (k == 0 && index != 0) {
        throw new DecryptionException("the first slot is slot " + index + ", not the submission's slot 0");
      }
      if (k > 0 && index <= l.slotIndex[k - 1]) {
        throw new DecryptionException(index == l.slotIndex[k - 1] ? "slot index " + index + " appears twice"
            : "slot index " + index + " follows slot " + l.slotIndex[k - 1] + ": slots are in ascending order");
      }
      int tenantLen = r.u8("tenant length of slot ", index, "");
      if (tenantLen > KeySlotId.MAX_TENANT) {
        throw new DecryptionException("tenant length " + tenantLen + " of slot " + index + " exceeds " + KeySlotId.MAX_TENANT);
      }
      String tenant = r.ascii(tenantLen, "tenant of slot ", index, "");
      int classLen = r.u8("key class length of slot ", index, "");
      if (classLen < 1 || classLen > KeySlotId.MAX_KEY_CLASS) {
        throw new DecryptionException("key class length " + classLen + " of slot " + index + " is outside 1 to "
            + KeySlotId.MAX_KEY_CLASS);
      }
      String keyClass = r.ascii(classLen, "key class of slot ", index, "");
      long start = r.i64("window start of slot ", index, "");
      long length = r.i64("window length of slot ", index, "");
      try {
        l.slotIds[k] = new KeySlotId(tenant, keyClass, start, length);
      } catch (IllegalArgumentException ex) {
        throw new DecryptionException("key id of slot " + index + " is not valid: " + ex.getMessage());
      }
      String rule = slotRule(l.slotIds[k], index, l.policy);
      if (rule != null) {
        throw new DecryptionException(rule);
      }
      l.slotNonces[k] = r.pos;
      r.need(NONCE_BYTES + WRAPPED_BYTES, "wrapped data key of slot ", index, "");
      r.pos += NONCE_BYTES + WRAPPED_BYTES;
      l.slotEnds[k] = r.pos;
      l.slotIndex[k] = index;
      l.positionOf[index] = k;
    }

    l.fieldsOffset = r.pos;
    int n = r.u8("field count");
    if (n > MAX_FIELDS) {
      throw new DecryptionException("field count " + n + " exceeds " + MAX_FIELDS);
    }
    l.fieldCount = n;
    l.names = new String[n];
    l.fieldSlot = new int[n];
    l.nonceIndex = new int[n];
    l.ctOffsets = new int[n];
    l.ctLengths = new int[n];
    l.fieldStarts = new int[n];
    l.fieldEnds = new int[n];
    long seenNonces = 0;
    int usedSlots = 1; // slot 0 needs no field
    for (int i = 0; i < n; i++) {
      l.fieldStarts[i] = r.pos;
      int nameLen = r.u8("field name length");
      if (nameLen < 1 || nameLen > EnvelopeBytes.MAX_NAME) {
        throw new DecryptionException("field name length " + nameLen + " is outside 1 to " + EnvelopeBytes.MAX_NAME);
      }
      r.need(nameLen, "field name");
      if (!EnvelopeBytes.isFieldName(e, r.pos, nameLen)) {
        throw new DecryptionException("a field name is not valid");
      }
      String name = r.ascii(nameLen, "field name");
      for (int j = 0; j < i; j++) {
        if (l.names[j].equals(name)) {
          throw new DecryptionException("field '" + name + "' appears twice");
        }
      }
      if (!l.policy.hasField(name)) {
        throw new DecryptionException("field '" + name + "' is not in the policy's field list");
      }
      int slot = r.u8("slot of field '", name, "'");
      if (slot >= MAX_SLOTS || l.positionOf[slot] < 0) {
        throw new DecryptionException("field '" + name + "' names slot " + slot + ", which the envelope does not hold");
      }
      usedSlots |= 1 << slot;
      int nonce = r.u8("nonce index of field '", name, "'");
      if (nonce >= MAX_FIELDS) {
        throw new DecryptionException("nonce index " + nonce + " exceeds " + (MAX_FIELDS - 1));
      }
      if ((seenNonces & (1L << nonce)) != 0) {
        throw new DecryptionException("nonce index " + nonce + " appears twice");
      }
      seenNonces |= 1L << nonce;
      long ctLen = r.u32("ciphertext length of field '", name, "'") & 0xFFFFFFFFL;
      if (ctLen < TAG_BYTES || ctLen > MAX_FIELD_CIPHERTEXT) {
        throw new DecryptionException("ciphertext length " + ctLen + " of field '" + name
            + "' is outside " + TAG_BYTES + " to " + MAX_FIELD_CIPHERTEXT);
      }
      r.need((int) ctLen, "ciphertext of field '", name, "'");
      l.names[i] = name;
      l.fieldSlot[i] = slot;
      l.nonceIndex[i] = nonce;
      l.ctOffsets[i] = r.pos;
      l.ctLengths[i] = (int) ctLen;
      r.pos += (int) ctLen;
      l.fieldEnds[i] = r.pos;
    }
    if (r.pos != e.length) {
      throw new DecryptionException((e.length - r.pos) + " unexpected bytes after the last field");
    }
    for (int k = 1; k < m; k++) {
      if ((usedSlots & (1 << l.slotIndex[k])) == 0) {
        throw new DecryptionException("slot " + l.slotIndex[k] + " is used by no field");
      }
    }
    return l;
  }

  // ------------------------------------------------------------------ open

  /**
   * Opens the wanted fields of an envelope that must belong to {@code expectedId}. Slot 0 is always
   * unwrapped (it authenticates the policy); another slot only if a wanted field uses it. An epoch key that
   * {@code epochKeys} reports as gone is an expected outcome, not an error: see {@link Opened#destroyed()}
   * and {@link Opened#destroyedFields()}.
   *
   * @param envelope the stored bytes
   * @param expectedId the submission the caller read it for
   * @param epochKeys the 32-byte epoch key of a slot's id, or empty if it was destroyed; called at most once
   *     per slot, in slot order; its arrays are read, never kept or changed; its own exceptions pass through
   * @param wanted which fields to decrypt (called once per field); the others are not touched
   * @return the opened values, the authenticated policy, and what could not be opened because its key is gone
   * @throws DecryptionException if the envelope is malformed, belongs to another submission, or a wrapped
   *     key or field fails to authenticate (tampered, moved, or the wrong epoch key)
   * @throws IllegalArgumentException if {@code epochKeys} returns a key that is not 32 bytes
   */
  public static Opened open(byte[] envelope, SubmissionId expectedId, Function<KeySlotId, Optional<byte[]>> epochKeys,
      Predicate<String> wanted) {
    requireNonNull(expectedId, "expectedId");
    requireNonNull(epochKeys, "epochKeys");
    requireNonNull(wanted, "wanted");
    Layout l = layout(envelope);
    if (!l.id.equals(expectedId)) {
      throw new DecryptionException("envelope belongs to another submission");
    }
    boolean[] want = new boolean[l.fieldCount];
    boolean[] need = new boolean[l.slotCount];
    need[0] = true;
    for (int i = 0; i < l.fieldCount; i++) {
      want[i] = wanted.test(l.names[i]);
      if (want[i]) {
        need[l.positionOf[l.fieldSlot[i]]] = true;
      }
    }
    byte[] hash = policyHash(envelope, l.policyOffset, l.policyLength);
    SubmissionId id = l.id;
    byte[][] deks = new byte[l.slotCount][];
    List<KeySlotId> destroyedSlots = new ArrayList<>();
    byte[][] values = new byte[l.fieldCount][];
    int opened = 0;
    try {
      for (int k = 0; k < l.slotCount; k++) {
        if (!need[k]) {
          continue;
        }
        Optional<byte[]> key = requireNonNull(epochKeys.apply(l.slotIds[k]), "epochKeys returned null");
        if (key.isEmpty()) {
          destroyedSlots.add(l.slotIds[k]);
          if (k == 0) {
            Set<String> all = new LinkedHashSet<>();
            for (int i = 0; i < l.fieldCount; i++) {
              if (want[i]) {
                all.add(l.names[i]);
              }
            }
            return new Opened(null, new String[0], new byte[0][], all, destroyedSlots, List.of(l.names));
          }
          continue;
        }
        byte[] epochKey = key.get();
        if (epochKey.length != KEY_BYTES) {
          throw new IllegalArgumentException("the epoch key of slot " + l.slotIndex[k] + " is "
              + epochKey.length + " bytes, not " + KEY_BYTES);
        }
        deks[k] = unwrap(EnvelopeBytes.wrapGcm(), envelope, l, k, hash, epochKey);
      }
      Set<String> destroyedFields = new LinkedHashSet<>();
      String[] names = new String[l.fieldCount];
      byte[] ad = fieldAdPrefix(id, hash);
      byte[] nonce = new byte[NONCE_BYTES];
      SecretKey[] keys = new SecretKey[l.slotCount];
      Cipher gcm = EnvelopeBytes.gcm();
      for (int i = 0; i < l.fieldCount; i++) {
        if (!want[i]) {
          continue;
        }
        int k = l.positionOf[l.fieldSlot[i]];
        if (deks[k] == null) {
          destroyedFields.add(l.names[i]);
          continue;
        }
        try {
          if (keys[k] == null) {
            keys[k] = EnvelopeBytes.aesKey(deks[k]);
          }
          int nameAt = l.fieldStarts[i] + 1;
          int adLength = fieldAd(ad, l.fieldSlot[i], envelope, nameAt, envelope[nameAt - 1] & 0xFF);
          nonce[NONCE_BYTES - 1] = (byte) l.nonceIndex[i];
          gcm.init(Cipher.DECRYPT_MODE, keys[k], EnvelopeBytes.params(nonce, 0));
          gcm.updateAAD(ad, 0, adLength);
          values[opened] = gcm.doFinal(envelope, l.ctOffsets[i], l.ctLengths[i]);
        } catch (GeneralSecurityException ex) {
          throw new DecryptionException("field '" + l.names[i] + "' of submission " + id + " failed to authenticate");
        }
        names[opened++] = l.names[i];
      }
      return new Opened(l.policy, Arrays.copyOf(names, opened), Arrays.copyOf(values, opened), destroyedFields,
          destroyedSlots, List.of(l.names));
    } catch (RuntimeException e) {
      for (int i = 0; i < opened; i++) {
        Arrays.fill(values[i], (byte) 0);
      }
      throw e;
    } finally {
      for (byte[] dek : deks) {
        if (dek != null) {
          Arrays.fill(dek, (byte) 0);
        }
      }
    }
  }

  private static byte[] unwrap(Cipher gcm, byte[] e, Layout l, int k, byte[] hash, byte[] epochKey) {
    int index = l.slotIndex[k];
    try {
      gcm.init(Cipher.DECRYPT_MODE, EnvelopeBytes.aesKey(epochKey),
          EnvelopeBytes.params(e, l.slotNonces[k]));
      gcm.updateAAD(wrapAd(l.id, hash, e, l.slotStarts[k], l.slotNonces[k]));
      byte[] dek = gcm.doFinal(e, l.slotNonces[k] + NONCE_BYTES, WRAPPED_BYTES);
      if (dek.length != KEY_BYTES) {
        Arrays.fill(dek, (byte) 0);
        throw new GeneralSecurityException("wrong length");
      }
      return dek;
    } catch (GeneralSecurityException ex) {
      throw new DecryptionException("data key of slot " + index + " of submission " + l.id
          + " failed to authenticate: the epoch key is wrong or the envelope was tampered with");
    }
  }

  /**
   * What {@link #open} returns. Holds plaintext: {@link #toString()} is redacted and {@link #close()}
   * wipes the values.
   */
  public static final class Opened implements AutoCloseable {
    private final Policy policy;
    private final String[] names;
    private final byte[][] values;
    private final Set<String> destroyedFields;
    private final List<KeySlotId> destroyedSlots;
    private final List<String> storedFields;

    private Opened(Policy policy, String[] names, byte[][] values, Set<String> destroyedFields,
        List<KeySlotId> destroyedSlots, List<String> storedFields) {
      this.policy = policy;
      this.names = names;
      this.values = values;
      this.destroyedFields = Collections.unmodifiableSet(destroyedFields);
      this.destroyedSlots = List.copyOf(destroyedSlots);
      this.storedFields = storedFields;
    }

    /**
     * Every field the envelope holds, opened or not, in envelope order: what {@link #parse} would list,
     * without parsing again.
     *
     * @return the names
     */
    public List<String> storedFields() {
      return storedFields;
    }

    /**
     * Whether slot 0's epoch key is gone: the whole submission is crypto-erased. Treat it as purged (a
     * reveal returns empty); nothing was opened and the policy could not be authenticated.
     *
     * @return whether the submission's own epoch key was destroyed
     */
    public boolean destroyed() {
      return policy == null;
    }

    /**
     * The policy, authenticated by slot 0's wrapped data key: compare it with the store's metadata.
     *
     * @return the policy
     * @throws IllegalStateException if {@link #destroyed()}
     */
    public Policy policy() {
      if (policy == null) {
        throw new IllegalStateException("the submission's epoch key is destroyed: no authenticated policy");
      }
      return policy;
    }

    /**
     * The opened fields' names, in envelope order.
     *
     * @return the names, parallel to {@link #valueUtf8}
     */
    public List<String> names() {
      return List.of(names);
    }

    /**
     * The {@code i}th opened value as UTF-8, not a copy: {@link #close()} wipes it.
     *
     * @param i 0 to {@code names().size() - 1}
     * @return the value's bytes
     */
    public byte[] valueUtf8(int i) {
      return values[i];
    }

    /**
     * The wanted fields that were not opened because their slot's epoch key is gone (treat as purged).
     *
     * @return names in envelope order; every wanted field if {@link #destroyed()}
     */
    public Set<String> destroyedFields() {
      return destroyedFields;
    }

    /**
     * The ids of the epoch keys {@code epochKeys} reported as destroyed. A slot id is authenticated only
     * once its key unwraps, so a writer who rewrites one (within the rules {@link #parse} checks) gets this
     * outcome too, as if the row were deleted: a caller that finds a key missing whose window has not ended
     * plus the grace period should treat the envelope as tampered with, not as purged.
     *
     * @return in slot order
     */
    public List<KeySlotId> destroyedSlots() {
      return destroyedSlots;
    }

    /** Wipes every value. Idempotent. */
    @Override
    public void close() {
      for (byte[] v : values) {
        Arrays.fill(v, (byte) 0);
      }
    }

    @Override
    public String toString() {
      return "Opened[fields=" + Arrays.toString(names) + ", values=<redacted>, destroyedFields=" + destroyedFields
          + "]";
    }
  }

  // ------------------------------------------------------------------ withoutFields

  /**
   * Re-encodes an envelope without some fields, without any key. A slot other than 0 that no remaining
   * field uses is dropped with its wrapped data key; the policy (with the original field list) is kept.
   *
   * @param envelope the stored bytes
   * @param drop names of fields to drop; names the envelope does not hold are ignored
   * @return the smaller envelope (equal to {@code envelope} if nothing is dropped)
   * @throws DecryptionException if {@code envelope} is malformed
   */
  public static byte[] withoutFields(byte[] envelope, Set<String> drop) {
    requireNonNull(drop, "drop");
    Layout l = layout(envelope);
    boolean[] keep = new boolean[l.fieldCount];
    boolean[] keepSlot = new boolean[l.slotCount];
    keepSlot[0] = true;
    int size = l.slotsOffset + 1 + 1;
    int fields = 0;
    for (int i = 0; i < l.fieldCount; i++) {
      if (!drop.contains(l.names[i])) {
        keep[i] = true;
        keepSlot[l.positionOf[l.fieldSlot[i]]] = true;
        size += l.fieldEnds[i] - l.fieldStarts[i];
        fields++;
      }
    }
    int slots = 0;
    for (int k = 0; k < l.slotCount; k++) {
      if (keepSlot[k]) {
        size += l.slotEnds[k] - l.slotStarts[k];
        slots++;
      }
    }
    byte[] out = new byte[size];
    System.arraycopy(envelope, 0, out, 0, l.slotsOffset);
    int q = l.slotsOffset;
    out[q++] = (byte) slots;
    for (int k = 0; k < l.slotCount; k++) {
      if (keepSlot[k]) {
        int len = l.slotEnds[k] - l.slotStarts[k];
        System.arraycopy(envelope, l.slotStarts[k], out, q, len);
        q += len;
      }
    }
    out[q++] = (byte) fields;
    for (int i = 0; i < l.fieldCount; i++) {
      if (keep[i]) {
        int len = l.fieldEnds[i] - l.fieldStarts[i];
        System.arraycopy(envelope, l.fieldStarts[i], out, q, len);
        q += len;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The rules that tie a slot's epoch key id to the policy (docs/KEYS.md): its tenant is the policy's, its
   * window is aligned ({@code start} a multiple of {@code length}), and slot 0's window holds the policy's
   * hard deadline. They make a rewritten slot id a structural error in most cases (see {@link
   * Opened#destroyedSlots()} for the rest).
   *
   * @return the broken rule, or {@code null}
   */
  private static String slotRule(KeySlotId id, int index, Policy policy) {
    if (!id.tenant().equals(policy.tenant())) {
      return "tenant of slot " + index + " is not the policy's tenant";
    }
    if (id.windowStartMillis() % id.windowLengthMillis() != 0) {
      return "window start of slot " + index + " is not a multiple of its length";
    }
    if (index == 0 && (policy.hardDeadlineMillis() < id.windowStartMillis()
        || policy.hardDeadlineMillis() >= id.windowEndMillis())) {
      return "window of slot 0 does not hold the policy's hard deadline";
    }
    return null;
  }

  /** {@code index tenantLen tenant classLen keyClass windowStart windowLength}: a slot's bytes before its nonce. */
  private static byte[] slotHeader(int index, KeySlotId id) {
    byte[] t = ascii(id.tenant());
    byte[] c = ascii(id.keyClass());
    byte[] h = new byte[1 + 1 + t.length + 1 + c.length + 8 + 8];
    h[0] = (byte) index;
    h[1] = (byte) t.length;
    System.arraycopy(t, 0, h, 2, t.length);
    h[2 + t.length] = (byte) c.length;
    System.arraycopy(c, 0, h, 3 + t.length, c.length);
    int p = EnvelopeBytes.i64(h, 3 + t.length + c.length, id.windowStartMillis());
    EnvelopeBytes.i64(h, p, id.windowLengthMillis());
    return h;
  }

  /**
   * {@code SHA-256(0x16 "lsf/envelope-v2/policy" policy)}.
   *
   * @return 32 bytes
   */
  static byte[] policyHash(byte[] b, int off, int len) {
    MessageDigest sha = EnvelopeBytes.sha256();
    sha.update(POLICY_DOMAIN);
    sha.update(b, off, len);
    return sha.digest();
  }

  /** {@code 0x02 'K' submissionId policyHash slotHeader}. */
  private static byte[] wrapAd(SubmissionId id, byte[] hash, byte[] b, int from, int to) {
    byte[] ad = new byte[2 + SubmissionId.BYTES + HASH_BYTES + (to - from)];
    ad[0] = VERSION;
    ad[1] = AD_KEY;
    id.writeTo(ad, 2);
    System.arraycopy(hash, 0, ad, 2 + SubmissionId.BYTES, HASH_BYTES);
    System.arraycopy(b, from, ad, FIELD_AD_PREFIX, to - from);
    return ad;
  }

  /** A buffer for every field's associated data: {@code 0x02 'F' submissionId policyHash}, then room for the rest. */
  private static byte[] fieldAdPrefix(SubmissionId id, byte[] hash) {
    byte[] ad = new byte[FIELD_AD_PREFIX + 1 + 1 + EnvelopeBytes.MAX_NAME];
    ad[0] = VERSION;
    ad[1] = AD_FIELD;
    id.writeTo(ad, 2);
    System.arraycopy(hash, 0, ad, 2 + SubmissionId.BYTES, HASH_BYTES);
    return ad;
  }

  /** Completes a field's associated data with {@code slot nameLen name}; returns its length. */
  private static int fieldAd(byte[] ad, int slot, byte[] name, int offset, int length) {
    ad[FIELD_AD_PREFIX] = (byte) slot;
    ad[FIELD_AD_PREFIX + 1] = (byte) length;
    System.arraycopy(name, offset, ad, FIELD_AD_PREFIX + 2, length);
    return FIELD_AD_PREFIX + 2 + length;
  }
}
