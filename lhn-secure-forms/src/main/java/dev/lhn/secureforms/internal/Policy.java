package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.schema.FormSchema;
import java.util.Arrays;
import java.util.List;

/**
 * A submission's immutable policy, as envelope format v2 authenticates it (docs/FORMAT.md, "Version 2"):
 * everything a database writer must not be able to change, extend or move. The store keeps a mutable copy
 * beside the envelope (views left, status); a reader compares that copy with the one it opened
 * ({@link #equals} compares every component, the conversation reference by content).
 *
 * <p>Times are epoch milliseconds; durations are milliseconds, {@value #NONE} for "none".
 *
 * @param formId the form, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}
 * @param schemaVersion the form's schema version, 1 to {@value FormSchema#MAX_VERSION}
 * @param conversationRef opaque, 1 to {@value #MAX_CONVERSATION_REF} bytes: the host's conversation
 *     reference as the caller chose to encode it (e.g. a deterministic-AEAD ciphertext of the id); copied
 * @param submittedAtMillis when it was submitted, at least 0
 * @param hardDeadlineMillis the latest moment anything of it may be decryptable, at least
 *     {@code submittedAtMillis}
 * @param maxViews 1 to {@value #MAX_VIEWS}
 * @param revealWindowMillis how long after the first view further views are allowed, at least 1, or
 *     {@value #NONE}
 * @param afterConversationEndMillis purge this long after the conversation ends, at least 0, or
 *     {@value #NONE}
 * @param tenant {@code [a-z0-9._-]{0,64}}, may be empty
 * @param fields the form's original field list with each field's own retention: 1 to
 *     {@value FormSchema#MAX_FIELDS} entries, unique names, in form order
 */
public record Policy(String formId, int schemaVersion, byte[] conversationRef, long submittedAtMillis,
    long hardDeadlineMillis, int maxViews, long revealWindowMillis, long afterConversationEndMillis,
    String tenant, List<FieldRetention> fields) {
  /** "No such duration". */
  public static final long NONE = -1;
  /** The most views a v2 policy can carry. */
  public static final int MAX_VIEWS = 1000;
  /** The longest conversation reference. */
  public static final int MAX_CONVERSATION_REF = 1024;
  /** The longest canonical encoding of a policy, in bytes. */
  static final int MAX_ENCODED = 1 + 64 + 4 + 2 + MAX_CONVERSATION_REF + 8 + 8 + 2 + 8 + 8 + 1
      + KeySlotId.MAX_TENANT + 1 + FormSchema.MAX_FIELDS * (1 + EnvelopeBytes.MAX_NAME + 8 + 8);

  /**
   * One field of the original field list and its own retention.
   *
   * @param name the field's name, {@code [A-Za-z][A-Za-z0-9_.-]{0,63}}
   * @param maxAgeMillis its own maximum age, at least 1, or {@value Policy#NONE}
   * @param afterConversationEndMillis its own purge after conversation end, at least 0, or
   *     {@value Policy#NONE}
   */
  public record FieldRetention(String name, long maxAgeMillis, long afterConversationEndMillis) {
    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException naming the component and the rule
     */
    public FieldRetention {
      requireNonNull(name, "name");
      if (!isFieldName(name)) {
        throw new IllegalArgumentException("field name must match [A-Za-z][A-Za-z0-9_.-]{0,63}");
      }
      positiveOrNone("maxAgeMillis of field '" + name + "'", maxAgeMillis);
      nonNegativeOrNone("afterConversationEndMillis of field '" + name + "'", afterConversationEndMillis);
    }
  }

  /**
   * Checks every component and copies the mutable ones.
   *
   * @throws IllegalArgumentException naming the component and the rule
   */
  public Policy {
    requireNonNull(formId, "formId");
    requireNonNull(conversationRef, "conversationRef");
    requireNonNull(tenant, "tenant");
    requireNonNull(fields, "fields");
    if (!isFormId(formId)) { // FormSchema.FORM_ID, without a regex (#12)
      throw new IllegalArgumentException("formId must match " + FormSchema.FORM_ID.pattern());
    }
    if (schemaVersion < 1 || schemaVersion > FormSchema.MAX_VERSION) {
      throw new IllegalArgumentException("schemaVersion must be 1 to " + FormSchema.MAX_VERSION + ", got " + schemaVersion);
    }
    if (conversationRef.length < 1 || conversationRef.length > MAX_CONVERSATION_REF) {
      throw new IllegalArgumentException("conversationRef must be 1 to " + MAX_CONVERSATION_REF + " bytes, got "
          + conversationRef.length);
    }
    conversationRef = conversationRef.clone();
    if (submittedAtMillis < 0) {
      throw new IllegalArgumentException("submittedAtMillis must be at least 0, got " + submittedAtMillis);
    }
    if (hardDeadlineMillis < submittedAtMillis) {
      throw new IllegalArgumentException("hardDeadlineMillis " + hardDeadlineMillis
          + " is before submittedAtMillis " + submittedAtMillis);
    }
    if (maxViews < 1 || maxViews > MAX_VIEWS) {
      throw new IllegalArgumentException("maxViews must be 1 to " + MAX_VIEWS + ", got " + maxViews);
    }
    positiveOrNone("revealWindowMillis", revealWindowMillis);
    nonNegativeOrNone("afterConversationEndMillis", afterConversationEndMillis);
    if (!KeySlotId.isTenant(tenant)) {
      throw new IllegalArgumentException("tenant must match [a-z0-9._-]{0,64} (length " + tenant.length() + ")");
    }
    fields = List.copyOf(fields);
    if (fields.isEmpty() || fields.size() > FormSchema.MAX_FIELDS) {
      throw new IllegalArgumentException("fields must hold 1 to " + FormSchema.MAX_FIELDS + " entries, got "
          + fields.size());
    }
    for (int i = 1; i < fields.size(); i++) { // at most 64 names: pairwise is cheaper than hashing them (#12)
      String name = fields.get(i).name();
      for (int j = 0; j < i; j++) {
        if (fields.get(j).name().equals(name)) {
          throw new IllegalArgumentException("field '" + name + "' appears twice in fields");
        }
      }
    }
  }

  /** {@code Field.NAME}, {@code [A-Za-z][A-Za-z0-9_.-]{0,63}}, on a string's chars. */
  private static boolean isFieldName(String s) {
    int n = s.length();
    if (n < 1 || n > EnvelopeBytes.MAX_NAME || !isLetter(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!isLetter(c) && !isDigit(c) && c != '_' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@link FormSchema#FORM_ID}, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}, on a string's chars. */
  static boolean isFormId(String s) {
    int n = s.length();
    if (n < 1 || n > 64 || !(isLetter(s.charAt(0)) || isDigit(s.charAt(0)))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!isLetter(c) && !isDigit(c) && c != '_' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static void positiveOrNone(String what, long v) {
    if (v != NONE && v < 1) {
      throw new IllegalArgumentException(what + " must be at least 1 or " + NONE + ", got " + v);
    }
  }

  private static void nonNegativeOrNone(String what, long v) {
    if (v != NONE && v < 0) {
      throw new IllegalArgumentException(what + " must be at least 0 or " + NONE + ", got " + v);
    }
  }

  /**
   * The conversation reference.
   *
   * @return a copy
   */
  @Override
  public byte[] conversationRef() {
    return conversationRef.clone();
  }

  /**
   * Whether the conversation reference is {@code ref}, without copying it.
   *
   * @param ref the bytes to compare with
   * @return whether they are equal
   */
  boolean hasConversationRef(byte[] ref) {
    return Arrays.equals(conversationRef, ref);
  }

  /**
   * Whether this policy names a field.
   *
   * @param name a field name
   * @return whether {@link #fields()} has it
   */
  public boolean hasField(String name) {
    for (FieldRetention f : fields) {
      if (f.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Policy p && p.formId.equals(formId) && p.schemaVersion == schemaVersion
        && Arrays.equals(p.conversationRef, conversationRef) && p.submittedAtMillis == submittedAtMillis
        && p.hardDeadlineMillis == hardDeadlineMillis && p.maxViews == maxViews
        && p.revealWindowMillis == revealWindowMillis && p.afterConversationEndMillis == afterConversationEndMillis
        && p.tenant.equals(tenant) && p.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    int h = formId.hashCode();
    h = 31 * h + schemaVersion;
    h = 31 * h + Arrays.hashCode(conversationRef);
    h = 31 * h + Long.hashCode(submittedAtMillis);
    h = 31 * h + Long.hashCode(hardDeadlineMillis);
    h = 31 * h + maxViews;
    h = 31 * h + Long.hashCode(revealWindowMillis);
    h = 31 * h + Long.hashCode(afterConversationEndMillis);
    h = 31 * h + tenant.hashCode();
    return 31 * h + fields.hashCode();
  }

  /** Everything but the conversation reference's bytes (only its length). */
  @Override
  public String toString() {
    return "Policy[formId=" + formId + ", schemaVersion=" + schemaVersion + ", conversationRef=<"
        + conversationRef.length + " bytes>, submittedAtMillis=" + submittedAtMillis + ", hardDeadlineMillis="
        + hardDeadlineMillis + ", maxViews=" + maxViews + ", revealWindowMillis=" + revealWindowMillis
        + ", afterConversationEndMillis=" + afterConversationEndMillis + ", tenant=" + tenant + ", fields="
        + fields + "]";
  }

  // ------------------------------------------------------------------ canonical encoding

  /**
   * The canonical encoding (docs/FORMAT.md, "policy"): one byte string per policy, and
   * {@link #decode} accepts exactly these.
   *
   * @return a fresh array of at most {@link #MAX_ENCODED} bytes
   */
  byte[] encode() {
    byte[] form = EnvelopeBytes.ascii(formId);
    byte[] ten = EnvelopeBytes.ascii(tenant);
    int size = 1 + form.length + 4 + 2 + conversationRef.length + 8 + 8 + 2 + 8 + 8 + 1 + ten.length + 1;
    for (FieldRetention f : fields) {
      size += 1 + f.name().length() + 8 + 8;
    }
    byte[] b = new byte[size];
    int p = 0;
    b[p++] = (byte) form.length;
    System.arraycopy(form, 0, b, p, form.length);
    p = EnvelopeBytes.u32(b, p + form.length, schemaVersion);
    p = EnvelopeBytes.u16(b, p, conversationRef.length);
    System.arraycopy(conversationRef, 0, b, p, conversationRef.length);
    p = EnvelopeBytes.i64(b, p + conversationRef.length, submittedAtMillis);
    p = EnvelopeBytes.i64(b, p, hardDeadlineMillis);
    p = EnvelopeBytes.u16(b, p, maxViews);
    p = EnvelopeBytes.i64(b, p, revealWindowMillis);
    p = EnvelopeBytes.i64(b, p, afterConversationEndMillis);
    b[p++] = (byte) ten.length;
    System.arraycopy(ten, 0, b, p, ten.length);
    p += ten.length;
    b[p++] = (byte) fields.size();
    for (FieldRetention f : fields) {
      byte[] n = EnvelopeBytes.ascii(f.name());
      b[p++] = (byte) n.length;
      System.arraycopy(n, 0, b, p, n.length);
      p = EnvelopeBytes.i64(b, p + n.length, f.maxAgeMillis());
      p = EnvelopeBytes.i64(b, p, f.afterConversationEndMillis());
    }
    if (p != size) {
      throw new IllegalStateException("policy size mismatch: " + p + " != " + size);
    }
    return b;
  }

  /**
   * Decodes the canonical encoding at {@code e[off, off + len)}, checking every length against what
   * remains and every value against the rules above.
   *
   * @param e the envelope
   * @param off where the policy block starts
   * @param len its length
   * @return the policy
   * @throws DecryptionException naming the part that is truncated, too long or invalid
   */
  static Policy decode(byte[] e, int off, int len) {
    EnvelopeBytes.Reader r = new EnvelopeBytes.Reader(e, off, off + len);
    int formLen = r.u8("policy form id length");
    if (formLen < 1 || formLen > 64) {
      throw new DecryptionException("policy form id length " + formLen + " is outside 1 to 64");
    }
    String form = r.ascii(formLen, "policy form id");
    int schema = r.u32("policy schema version");
    int refLen = r.u16("policy conversation reference length");
    if (refLen < 1 || refLen > MAX_CONVERSATION_REF) {
      throw new DecryptionException("policy conversation reference length " + refLen + " is outside 1 to "
          + MAX_CONVERSATION_REF);
    }
    r.need(refLen, "policy conversation reference");
    byte[] ref = Arrays.copyOfRange(r.b, r.pos, r.pos + refLen);
    r.pos += refLen;
    long submitted = r.i64("policy submittedAt");
    long deadline = r.i64("policy hard deadline");
    int views = r.u16("policy max views");
    long window = r.i64("policy reveal window");
    long afterEnd = r.i64("policy purge after conversation end");
    int tenantLen = r.u8("policy tenant length");
    if (tenantLen > KeySlotId.MAX_TENANT) {
      throw new DecryptionException("policy tenant length " + tenantLen + " exceeds " + KeySlotId.MAX_TENANT);
    }
    String ten = r.ascii(tenantLen, "policy tenant");
    int n = r.u8("policy field count");
    if (n < 1 || n > FormSchema.MAX_FIELDS) {
      throw new DecryptionException("policy field count " + n + " is outside 1 to " + FormSchema.MAX_FIELDS);
    }
    FieldRetention[] fs = new FieldRetention[n];
    for (int i = 0; i < n; i++) {
      int nameLen = r.u8("policy field name length");
      if (nameLen < 1 || nameLen > EnvelopeBytes.MAX_NAME) {
        throw new DecryptionException("policy field name length " + nameLen + " is outside 1 to 64");
      }
      r.need(nameLen, "policy field name");
      if (!EnvelopeBytes.isFieldName(r.b, r.pos, nameLen)) {
        throw new DecryptionException("a policy field name is not valid");
      }
      String name = r.ascii(nameLen, "policy field name");
      long maxAge = r.i64("policy maxAge of a field");
      long fieldAfterEnd = r.i64("policy afterConversationEnd of a field");
      try {
        fs[i] = new FieldRetention(name, maxAge, fieldAfterEnd);
      } catch (IllegalArgumentException ex) {
        throw new DecryptionException("policy is not valid: " + ex.getMessage());
      }
    }
    if (r.pos != r.end) {
      throw new DecryptionException((r.end - r.pos) + " unexpected bytes after the policy's last field");
    }
    try {
      return new Policy(form, schema, ref, submitted, deadline, views, window, afterEnd, ten, List.of(fs));
    } catch (IllegalArgumentException ex) {
      throw new DecryptionException("policy is not valid: " + ex.getMessage());
    }
  }
}
