package dev.lhn.secureforms.internal;

import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.HOUR;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.NOW;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.epochKey;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.schema.RevealPolicy;
import dev.lhn.secureforms.testing.Forms;
import java.io.FileWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Generates src/test/resources/vectors/envelope-v2.json. Unlike v1's generator it is deterministic: fixed
 * published epoch keys ({@link EnvelopeV2Fixtures#epochKey}), submission ids and data keys and nonces from
 * {@link EnvelopeV2Fixtures#deterministic} through {@code EnvelopeV2}'s package-private randomness seam.
 * The file is frozen all the same: {@link EnvelopeV2TestVectorsTest} verifies it on every build and checks
 * that this generator still reproduces it byte for byte; a change to either is a new format version.
 *
 * <p>Run: {@code mvn -pl lhn-secure-forms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.lhn.secureforms.internal.GenerateEnvelopeV2Vectors -Dexec.args=<out.json>}
 */
public final class GenerateEnvelopeV2Vectors {
  private static final long SUBMITTED = NOW.toEpochMilli();
  private static final long MINUTE = 60_000L;
  private final List<EnvelopeV2Vector> out = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    try (Writer w = new FileWriter(args[0], StandardCharsets.UTF_8)) {
      w.write(generateJson());
    }
  }

  /** The whole file's text. */
  static String generateJson() throws IOException {
    GenerateEnvelopeV2Vectors g = new GenerateEnvelopeV2Vectors();
    g.generate();
    StringWriter w = new StringWriter();
    EnvelopeV2Vector.write(g.out, w);
    return w.toString() + "\n";
  }

  /** One sealed envelope and what it takes to open it. */
  private record Sealed(String id, byte[] envelope, List<EnvelopeV2Vector.Key> keys, Map<String, String> plaintext,
      Policy policy, Map<String, Integer> fieldSlots) {}

  private static SubmissionId idOf(String name) {
    return SubmissionId.fromBytes(Arrays.copyOf(EnvelopeV2Fixtures.sha256(("id " + name).getBytes(StandardCharsets.UTF_8)), 16));
  }

  private Sealed seal(String name, FormSchema form, Map<String, String> values, Policy policy, List<KeySlotId> ids,
      int[] keyNumbers, ToIntFunction<String> slotOf) {
    SubmissionId id = idOf(name);
    List<KeySlot> slots = new ArrayList<>();
    List<EnvelopeV2Vector.Key> keys = new ArrayList<>();
    for (int s = 0; s < ids.size(); s++) {
      slots.add(new KeySlot(ids.get(s), epochKey(keyNumbers[s])));
      EnvelopeV2Vector.Key k = new EnvelopeV2Vector.Key(ids.get(s), epochKey(keyNumbers[s]));
      if (keys.stream().noneMatch(x -> x.id().equals(k.id()))) {
        keys.add(k);
      }
    }
    try (NormalizedValues nv = form.normalize(values, NOW)) {
      Map<String, String> pt = new LinkedHashMap<>();
      Map<String, Integer> fs = new LinkedHashMap<>();
      for (int i = 0; i < nv.size(); i++) {
        pt.put(nv.name(i), nv.value(i));
        fs.put(nv.name(i), slotOf.applyAsInt(nv.name(i)));
      }
      byte[] env = EnvelopeV2.seal(id, policy, nv, slots, slotOf, EnvelopeV2Fixtures.deterministic("vector " + name));
      return new Sealed(id.toString(), env, keys, pt, policy, fs);
    } finally {
      slots.forEach(KeySlot::close);
    }
  }

  private Sealed positive(String name, Sealed s) {
    out.add(new EnvelopeV2Vector(name, "positive", "open", false, s.id, s.envelope, s.keys, s.plaintext, List.of(),
        s.policy, s.fieldSlots));
    return s;
  }

  /** {@code s} after {@code withoutFields(drop)}, recorded as a positive. */
  private Sealed without(String name, Sealed s, Set<String> drop) {
    byte[] env = EnvelopeV2.withoutFields(s.envelope, drop);
    Map<String, String> pt = new LinkedHashMap<>(s.plaintext);
    Map<String, Integer> fs = new LinkedHashMap<>(s.fieldSlots);
    pt.keySet().removeAll(drop);
    fs.keySet().removeAll(drop);
    return positive(name, new Sealed(s.id, env, s.keys, pt, s.policy, fs));
  }

  private void reject(String name, String category, boolean structural, Sealed base, byte[] env) {
    reject(name, category, structural, base.id, base.keys, env);
  }

  private void reject(String name, String category, boolean structural, String id, List<EnvelopeV2Vector.Key> keys,
      byte[] env) {
    out.add(new EnvelopeV2Vector(name, category, "reject", structural, id, env, keys, Map.of(), List.of(), null, Map.of()));
  }

  private static List<EnvelopeV2Vector.Key> replaceKey(List<EnvelopeV2Vector.Key> keys, int k, byte[] key) {
    List<EnvelopeV2Vector.Key> l = new ArrayList<>(keys);
    l.set(k, new EnvelopeV2Vector.Key(keys.get(k).id(), key));
    return l;
  }

  private static KeySlotId epoch(String tenant, long deadline) {
    return EnvelopeV2Fixtures.slotId(tenant, deadline);
  }

  void generate() {
    FormSchema card = Forms.card();
    Map<String, Long> cvc15 = Map.of("cvc", 15 * MINUTE);
    Policy cardPolicy = EnvelopeV2Fixtures.policy(card, "", cvc15);
    KeySlotId day = epoch("", SUBMITTED + 24 * HOUR);
    KeySlotId quarter = epoch("", SUBMITTED + 15 * MINUTE);
    KeySlotId twoHours = epoch("", SUBMITTED + 2 * HOUR);

    // ---------------------------------------------------------------- positives
    positive("card form, one slot", seal("card form, one slot", card, Forms.cardValues(),
        EnvelopeV2Fixtures.policy(card, "", Map.of()), List.of(day), new int[] {0}, n -> 0));
    Policy threePolicy = EnvelopeV2Fixtures.policy(card, "", Map.of("cvc", 15 * MINUTE, "pan", 2 * HOUR, "exp", 2 * HOUR));
    ToIntFunction<String> threeSlots = n -> switch (n) {
      case "cvc" -> 1;
      case "pan", "exp" -> 2;
      default -> 0;
    };
    Sealed three = positive("card form, three slots (cvc 15 min, pan and exp 2 h, the rest 24 h)", seal("three",
        card, Forms.cardValues(), threePolicy, List.of(day, quarter, twoHours), new int[] {0, 1, 2}, threeSlots));
    Sealed other = seal("three, second submission", card, Forms.cardValues(), threePolicy,
        List.of(day, quarter, twoHours), new int[] {0, 1, 2}, threeSlots);
    positive("card form, three slots, second submission (for moves)", other);
    Sealed two = positive("card form, cvc in a slot of its own", seal("two", card, Forms.cardValues(), cardPolicy,
        List.of(day, quarter), new int[] {0, 1}, n -> n.equals("cvc") ? 1 : 0));
    without("card form, three slots, after withoutFields(cvc): slot 1 gone", three, Set.of("cvc"));
    without("card form, three slots, after withoutFields(pan, exp, postal): slot 2 gone", three,
        Set.of("pan", "exp", "postal"));
    without("card form, three slots, after withoutFields(every field): slot 0 alone", three,
        Set.of("name", "pan", "exp", "cvc", "postal", "email"));
    Map<String, String> minimal = new LinkedHashMap<>(Forms.cardValues());
    minimal.remove("postal");
    minimal.remove("email");
    positive("card form, optional fields empty, tenant 'acme-eu.1'", seal("tenant", card, minimal,
        EnvelopeV2Fixtures.policy(card, "acme-eu.1", cvc15), List.of(epoch("acme-eu.1", SUBMITTED + 24 * HOUR),
            epoch("acme-eu.1", SUBMITTED + 15 * MINUTE)), new int[] {3, 4}, n -> n.equals("cvc") ? 1 : 0));
    positive("card form, two slots under the same epoch key", seal("same epoch", card, Forms.cardValues(),
        cardPolicy, List.of(day, day), new int[] {0, 0}, n -> n.equals("cvc") ? 1 : 0));
    FormSchema text = FormSchema.builder("unicode").version(7)
        .field(Field.text("t1").maxLength(200))
        .field(Field.multiline("t2").maxLength(4000).optional())
        .revealPolicy(RevealPolicy.views(3).within(Duration.ofMinutes(10)))
        .build();
    Policy textPolicy = EnvelopeV2Fixtures.policy(text, "", Map.of("t2", HOUR));
    KeySlotId hour = epoch("", SUBMITTED + HOUR);
    positive("unicode: accents, CJK, emoji, right-to-left", seal("unicode", text,
        Map.of("t1", "Zoë Ångström 山田太郎 💳🔐 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "t2", "مرحبا بالعالم\nשלום עולם\n東京都千代田区"), textPolicy,
        List.of(day, hour), new int[] {0, 5}, n -> n.equals("t2") ? 1 : 0));
    positive("multiline of 3-byte characters at its maximum", seal("max multiline", text,
        Map.of("t1", "a", "t2", "€".repeat(4000)), textPolicy, List.of(day, hour), new int[] {0, 5},
        n -> n.equals("t2") ? 1 : 0));
    Policy intakePolicy = EnvelopeV2Fixtures.policy(Forms.intake(), "", Map.of());
    positive("intake form, two views", seal("intake", Forms.intake(), Map.of("name", "Ada Lovelace",
        "dob", "1815-12-10", "ssn", "123-45-6789", "symptoms", "cough\nfever for 3 days\n\ttired"), intakePolicy,
        List.of(day), new int[] {0}, n -> 0));
    // every limit at once: 64 fields with 64-character names over 16 slots, a 64-character form id, the
    // largest schema version, a 1024-byte conversation reference, 64-character tenant, 32-character key
    // class, 1000 views: the policy is Policy.MAX_ENCODED bytes
    FormSchema.Builder wide = FormSchema.builder("f".repeat(64)).version(FormSchema.MAX_VERSION);
    Map<String, String> wideValues = new LinkedHashMap<>();
    List<Policy.FieldRetention> wideFields = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String n = String.format("f%02d", i) + "n".repeat(61);
      wide.field(Field.text(n).maxLength(10));
      wideValues.put(n, "v" + i);
      wideFields.add(new Policy.FieldRetention(n, (i % 16 + 1) * MINUTE, i % 2 == 0 ? Policy.NONE : i * MINUTE));
    }
    String tenant64 = "t".repeat(60) + "-._9";
    byte[] ref = new byte[Policy.MAX_CONVERSATION_REF];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = (byte) (i * 31 + 7);
    }
    Policy widePolicy = new Policy("f".repeat(64), FormSchema.MAX_VERSION, ref, SUBMITTED, SUBMITTED + 366L * 24 * HOUR,
        Policy.MAX_VIEWS, 366L * 24 * HOUR, 0, tenant64, wideFields);
    if (widePolicy.encode().length != Policy.MAX_ENCODED) {
      throw new IllegalStateException("the widest policy is " + widePolicy.encode().length + " bytes");
    }
    List<KeySlotId> sixteen = new ArrayList<>();
    int[] sixteenKeys = new int[16];
    for (int s = 0; s < 16; s++) {
      long start = s == 0 ? Math.floorDiv(widePolicy.hardDeadlineMillis(), HOUR) * HOUR : SUBMITTED / HOUR * HOUR + s * HOUR;
      sixteen.add(new KeySlotId(tenant64, "k".repeat(31) + Integer.toHexString(s), start, HOUR));
      sixteenKeys[s] = 10 + s;
    }
    List<String> wideNames = List.copyOf(wideValues.keySet());
    positive("every limit: 64 fields, 16 slots, the longest policy", seal("wide", wide.build(), wideValues, widePolicy,
        sixteen, sixteenKeys, n -> wideNames.indexOf(n) % 16));

    // ---------------------------------------------------------------- destroyed epoch keys (expected outcomes)
    out.add(new EnvelopeV2Vector("epoch key of slot 1 (cvc) destroyed: the others open", "destroyed", "open", false,
        three.id, three.envelope, replaceKey(three.keys, 1, null), without(three.plaintext, "cvc"), List.of("cvc"),
        three.policy, three.fieldSlots));
    out.add(new EnvelopeV2Vector("epoch key of slot 2 missing from the opener: pan and exp destroyed", "destroyed",
        "open", false, three.id, three.envelope, List.of(three.keys.get(0), three.keys.get(1)),
        without(without(three.plaintext, "pan"), "exp"), List.of("pan", "exp"), three.policy, three.fieldSlots));
    out.add(new EnvelopeV2Vector("epoch key of slot 0 destroyed: the whole submission is", "destroyed", "destroyed",
        false, three.id, three.envelope, replaceKey(three.keys, 0, null), Map.of(),
        List.of("name", "pan", "exp", "cvc", "postal", "email"), three.policy, three.fieldSlots));

    // ---------------------------------------------------------------- negatives
    byte[] e = three.envelope;
    EnvelopeV2Layout l = EnvelopeV2Layout.of(e);
    EnvelopeV2Layout lo = EnvelopeV2Layout.of(other.envelope);
    for (int i = 0; i < 24; i++) {
      int pos = (int) ((long) i * e.length / 24) + 1;
      for (int k = 0; k < l.slotCount; k++) {
        if (pos >= l.slotStarts[k] && pos < l.slotNonceOffsets[k]) {
          pos = l.slotNonceOffsets[k] + i; // slot ids: see the moved-slot vectors and Opened.destroyedSlots
        }
      }
      byte[] f = e.clone();
      f[pos] ^= (byte) (1 << (i % 8));
      reject("bit flip: byte " + pos + " bit " + (i % 8), "bit-flip", false, three, f);
    }
    reject("bit flip: last tag byte", "bit-flip", false, three, flip(e, e.length - 1));
    reject("bit flip: last byte of slot 2's wrapped key", "bit-flip", false, three, flip(e, l.slotEnds[2] - 1));
    reject("bit flip: first byte of slot 0's wrap nonce", "bit-flip", false, three, flip(e, l.slotNonceOffsets[0]));

    // truncations: one cut inside each part of the layout
    int cvc = l.fieldNamed("cvc");
    int[][] cuts = {
        {0}, {1}, {10}, {l.policyLenOffset}, {l.policyLenOffset + 1}, {l.formLenOffset + 3}, {l.refOffset + 2},
        {l.maxViewsOffset}, {l.policyFieldStarts[2] + 3}, {l.slotsOffset}, {l.slotStarts[0]},
        {l.slotStarts[1] + 1}, {l.classLenOffsets[1] + 2}, {l.windowStartOffsets[1] + 4},
        {l.windowStartOffsets[1] + 12}, {l.slotNonceOffsets[2] + 5}, {l.slotEnds[2] - 1}, {l.fieldsOffset},
        {l.fieldStarts[0] + 1}, {l.slotOffsets[cvc]}, {l.nonceOffsets[cvc]}, {l.ctLenOffsets[cvc] + 2},
        {l.ctOffsets[cvc] + 3}, {e.length - 16}, {e.length - 1}};
    for (int[] cut : cuts) {
      reject("truncated to " + cut[0] + " of " + e.length + " bytes", "truncation", true, three, Arrays.copyOf(e, cut[0]));
    }
    reject("one trailing byte", "trailing", true, three, Arrays.copyOf(e, e.length + 1));
    reject("a whole second envelope appended", "trailing", true, three, concat(e, other.envelope));

    for (int v : new int[] {0x00, 0x01, 0x03, 0xFF}) {
      reject("unknown format version " + v, "unknown-version", true, three, set(e, 0, v));
    }

    // length prefixes
    reject("policy length 65535", "length", true, three, set16(e, l.policyLenOffset, 0xFFFF));
    reject("policy length " + (Policy.MAX_ENCODED + 1), "length", true, three,
        set16(e, l.policyLenOffset, Policy.MAX_ENCODED + 1));
    reject("policy length 0", "length", true, three, set16(e, l.policyLenOffset, 0));
    reject("policy length one more than present", "length", true, three, set16(e, l.policyLenOffset, l.policyLength + 1));
    reject("policy length one fewer than present", "length", true, three, set16(e, l.policyLenOffset, l.policyLength - 1));
    reject("policy form id length 255", "length", true, three, set(e, l.formLenOffset, 255));
    reject("policy form id length 0", "length", true, three, set(e, l.formLenOffset, 0));
    reject("policy conversation reference length 1025", "length", true, three, set16(e, l.refLenOffset, 1025));
    reject("policy conversation reference length 0", "length", true, three, set16(e, l.refLenOffset, 0));
    reject("policy tenant length 65", "length", true, three, set(e, l.tenantLenOffset, 65));
    reject("policy field count 65", "length", true, three, set(e, l.policyFieldCountOffset, 65));
    reject("policy field count 0", "length", true, three, set(e, l.policyFieldCountOffset, 0));
    reject("policy field name length 0", "length", true, three, set(e, l.policyFieldStarts[0], 0));
    reject("policy field name length 65", "length", true, three, set(e, l.policyFieldStarts[0], 65));
    reject("slot count 0", "length", true, three, set(e, l.slotsOffset, 0));
    reject("slot count 17", "length", true, three, set(e, l.slotsOffset, 17));
    reject("slot count one more than present", "length", true, three, set(e, l.slotsOffset, 4));
    reject("slot count one fewer than present", "length", true, three, set(e, l.slotsOffset, 2));
    reject("slot tenant length 65", "length", true, three, set(e, l.slotStarts[1] + 1, 65));
    reject("slot key class length 0", "length", true, three, set(e, l.classLenOffsets[1], 0));
    reject("slot key class length 33", "length", true, three, set(e, l.classLenOffsets[1], 33));
    reject("field count 65", "length", true, three, set(e, l.fieldsOffset, 65));
    reject("field count one more than present", "length", true, three, set(e, l.fieldsOffset, 7));
    reject("field count one fewer than present", "length", true, three, set(e, l.fieldsOffset, 5));
    reject("field name length 0", "length", true, three, set(e, l.fieldStarts[0], 0));
    reject("field name length 255", "length", true, three, set(e, l.fieldStarts[0], 255));
    reject("ciphertext length 0xFFFFFFFF", "length", true, three, set32(e, l.ctLenOffsets[1], 0xFFFFFFFF));
    reject("ciphertext length 65553", "length", true, three, set32(e, l.ctLenOffsets[1], 65553));
    reject("ciphertext length 15 (shorter than a tag)", "length", true, three, set32(e, l.ctLenOffsets[1], 15));
    reject("ciphertext length one more than present", "length", true, three,
        set32(e, l.ctLenOffsets[5], l.ctLens[5] + 1));

    // slot indices, names, nonces
    reject("slot index 16", "slot-index", true, three, set(e, l.slotStarts[2], 16));
    reject("slot index 255", "slot-index", true, three, set(e, l.slotStarts[2], 255));
    reject("two slots with index 1", "duplicate", true, three, set(e, l.slotStarts[2], 1));
    reject("slots out of order (2, 1)", "slot-index", true, three,
        l.rebuild(new byte[][] {l.slot(0), l.slot(2), l.slot(1)}, l.fields()));
    reject("first slot is not slot 0", "slot-index", true, three,
        l.rebuild(new byte[][] {l.slot(1), l.slot(2)}, withoutSlot0Fields(l)));
    reject("a field names slot 5, which is absent", "slot-index", true, three, set(e, l.slotOffsets[0], 5));
    reject("a field names slot 16", "slot-index", true, three, set(e, l.slotOffsets[0], 16));
    reject("slot 1 is used by no field", "slot-index", true, three, set(e, l.slotOffsets[cvc], 0));
    reject("two fields with the same name", "duplicate", true, three, renamed(l, 1, l.names[0]));
    reject("two fields with the same nonce index", "duplicate", true, three, set(e, l.nonceOffsets[1], 0));
    reject("nonce index 64", "length", true, three, set(e, l.nonceOffsets[0], 64));
    reject("a field that is not in the policy's field list", "policy", true, three, renamed(l, 0, "nickname"));
    reject("a field name that is not a valid name", "length", true, three, set(e, l.fieldStarts[0] + 1, '!'));
    reject("slot key class with an upper-case letter", "length", true, three, set(e, l.classLenOffsets[1] + 1, 'D'));
    reject("slot window length 0", "length", true, three, set64(e, l.windowStartOffsets[1] + 8, 0));
    reject("slot 0's window start one hour later: no longer holds the deadline", "moved-slot", true, three,
        set64(e, l.windowStartOffsets[0], day.windowStartMillis() + HOUR));
    reject("slot 0's window start one millisecond later: not aligned", "moved-slot", true, three,
        set64(e, l.windowStartOffsets[0], day.windowStartMillis() + 1));
    reject("slot 1's window length 2 h + 1 ms: not aligned", "moved-slot", true, three,
        set64(e, l.windowStartOffsets[1] + 8, 2 * HOUR + 1));
    reject("slot 1 of tenant 'a', the policy's tenant is ''", "moved-slot", true, three,
        l.rebuild(new byte[][] {l.slot(0), withTenant(l.slot(1), "a"), l.slot(2)}, l.fields()));

    // the policy: every change fails, whether it still parses (then slot 0 fails to unwrap) or not
    reject("policy max views 1 changed to 2 (still well-formed)", "policy", false, three,
        set16(e, l.maxViewsOffset, 2));
    reject("policy hard deadline one hour later (still well-formed)", "policy", false, three,
        set64(e, l.deadlineOffset, threePolicy.hardDeadlineMillis() + HOUR));
    reject("policy hard deadline one millisecond later (still in slot 0's window)", "policy", false, three,
        set64(e, l.deadlineOffset, threePolicy.hardDeadlineMillis() + 1));
    reject("policy submittedAt one millisecond earlier (still well-formed)", "policy", false, three,
        set64(e, l.submittedOffset, threePolicy.submittedAtMillis() - 1));
    reject("policy conversation reference byte flipped", "policy", false, three, flip(e, l.refOffset + 3));
    reject("policy reveal window set (still well-formed)", "policy", false, three, set64(e, l.windowOffset, 60_000));
    reject("policy replaced by another valid policy (tenant 'acme')", "policy", false, three,
        l.withPolicy(EnvelopeV2Fixtures.policy(card, "acme", Map.of("cvc", 15 * MINUTE, "pan", 2 * HOUR,
            "exp", 2 * HOUR)).encode()));
    reject("policy cvc maxAge removed (still well-formed)", "policy", false, three, l.withPolicy(
        EnvelopeV2Fixtures.policy(card, "", Map.of("pan", 2 * HOUR, "exp", 2 * HOUR)).encode()));
    reject("policy of the one-slot vector", "policy", false, three,
        l.withPolicy(EnvelopeV2Fixtures.policy(card, "", Map.of()).encode()));
    reject("policy max views 0", "policy", true, three, set16(e, l.maxViewsOffset, 0));
    reject("policy max views 1001", "policy", true, three, set16(e, l.maxViewsOffset, 1001));
    reject("policy hard deadline before submittedAt", "policy", true, three,
        set64(e, l.deadlineOffset, threePolicy.submittedAtMillis() - 1));
    reject("policy reveal window -2", "policy", true, three, set64(e, l.windowOffset, -2));
    reject("policy with a field twice", "policy", true, three, l.withPolicy(duplicatePolicyField(l)));

    // keys and slots moved
    reject("wrapped keys of slots 1 and 2 swapped", "swapped-dek", false, three, swapWrapped(l, 1, 2));
    Sealed same = seal("same epoch", card, Forms.cardValues(), cardPolicy, List.of(day, day), new int[] {0, 0},
        n -> n.equals("cvc") ? 1 : 0);
    EnvelopeV2Layout ls = EnvelopeV2Layout.of(same.envelope);
    reject("wrapped keys of slots 0 and 1 swapped, both under the same epoch key", "swapped-dek", false, same,
        swapWrapped(ls, 0, 1));
    reject("wrapped key of slot 0 from another submission", "swapped-dek", false, three, l.withWrapped(0, lo.wrapped(0)));
    reject("whole slot 1 from another submission", "moved-submission", false, three,
        l.rebuild(new byte[][] {l.slot(0), lo.slot(1), l.slot(2)}, l.fields()));
    List<EnvelopeV2Vector.Key> rewrittenKeys = new ArrayList<>(three.keys);
    KeySlotId later = new KeySlotId("", "data", quarter.windowStartMillis() + HOUR, HOUR);
    rewrittenKeys.add(new EnvelopeV2Vector.Key(later, epochKey(1)));
    reject("slot 1's window rewritten, the opener has the same key under that id", "moved-slot", false, three.id,
        rewrittenKeys, set64(e, l.windowStartOffsets[1], later.windowStartMillis()));
    reject("field pan moved from slot 2 to slot 0", "moved-field", false, three, set(e, l.slotOffsets[l.fieldNamed("pan")], 0));
    reject("field exp moved from slot 2 to slot 1", "moved-field", false, three, set(e, l.slotOffsets[l.fieldNamed("exp")], 1));
    reject("field cvc moved to slot 2 and pan to slot 1", "moved-field", false, three,
        set(set(e, l.slotOffsets[cvc], 2), l.slotOffsets[l.fieldNamed("pan")], 1));
    reject("field cvc taken from another submission", "moved-submission", false,
        three, l.rebuild(l.slots(), replaceField(l, cvc, lo.field(cvc))));
    reject("ciphertexts of name and email swapped (both slot 0)", "moved-field", false, three, l.swapCiphertexts(0, 5));
    reject("ciphertexts of pan and exp swapped (both slot 2)", "moved-field", false, three, l.swapCiphertexts(1, 2));
    reject("nonce indices of pan and exp swapped", "moved-field", false, three,
        set(set(e, l.nonceOffsets[1], 2), l.nonceOffsets[2], 1));

    // wrong keys and wrong submissions
    reject("epoch key of slot 0 wrong", "wrong-key", false, three.id, replaceKey(three.keys, 0, epochKey(9)), e);
    reject("epoch key of slot 1 wrong", "wrong-key", false, three.id, replaceKey(three.keys, 1, epochKey(9)), e);
    reject("epoch keys of slots 1 and 2 exchanged", "wrong-key", false, three.id,
        List.of(three.keys.get(0), new EnvelopeV2Vector.Key(quarter, epochKey(2)), new EnvelopeV2Vector.Key(twoHours, epochKey(1))), e);
    reject("opened as another submission id", "wrong-submission", true, other.id, three.keys, e);
    reject("header id rewritten to another submission", "wrong-submission", false, other.id, three.keys,
        withId(e, other.id));
    reject("two-slot envelope with slot 0 of the three-slot one", "swapped-dek", false, two,
        EnvelopeV2Layout.of(two.envelope).withWrapped(0, l.wrapped(0)));
    reject("empty input", "truncation", true, three, new byte[0]);
  }

  private static Map<String, String> without(Map<String, String> m, String name) {
    Map<String, String> c = new LinkedHashMap<>(m);
    c.remove(name);
    return c;
  }

  /** The policy block with its second field's record replaced by a copy of its first. */
  private static byte[] duplicatePolicyField(EnvelopeV2Layout l) {
    byte[] p = l.policy();
    int r0 = l.policyFieldStarts[0] - l.policyOffset;
    int r1 = l.policyFieldStarts[1] - l.policyOffset;
    int r2 = l.policyFieldStarts[2] - l.policyOffset;
    return concat(concat(Arrays.copyOf(p, r1), Arrays.copyOfRange(p, r0, r1)), Arrays.copyOfRange(p, r2, p.length));
  }

  /** A slot record of tenant {@code ""} given another tenant. */
  private static byte[] withTenant(byte[] slot, String tenant) {
    byte[] t = tenant.getBytes(StandardCharsets.US_ASCII);
    byte[] o = new byte[slot.length + t.length];
    o[0] = slot[0];
    o[1] = (byte) t.length;
    System.arraycopy(t, 0, o, 2, t.length);
    System.arraycopy(slot, 2, o, 2 + t.length, slot.length - 2);
    return o;
  }

  private static byte[][] withoutSlot0Fields(EnvelopeV2Layout l) {
    List<byte[]> f = new ArrayList<>();
    for (int i = 0; i < l.count; i++) {
      if (l.e[l.slotOffsets[i]] != 0) {
        f.add(l.field(i));
      }
    }
    return f.toArray(new byte[0][]);
  }

  private static byte[][] replaceField(EnvelopeV2Layout l, int i, byte[] field) {
    byte[][] f = l.fields();
    f[i] = field;
    return f;
  }

  private static byte[] swapWrapped(EnvelopeV2Layout l, int a, int b) {
    return EnvelopeV2Layout.of(l.withWrapped(a, l.wrapped(b))).withWrapped(b, l.wrapped(a));
  }

  private static byte[] renamed(EnvelopeV2Layout l, int i, String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] old = l.field(i);
    int oldLen = old[0] & 0xFF;
    byte[] r = new byte[1 + n.length + old.length - 1 - oldLen];
    r[0] = (byte) n.length;
    System.arraycopy(n, 0, r, 1, n.length);
    System.arraycopy(old, 1 + oldLen, r, 1 + n.length, old.length - 1 - oldLen);
    return l.rebuild(l.slots(), replaceField(l, i, r));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] o = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, o, a.length, b.length);
    return o;
  }

  private static byte[] withId(byte[] e, String id) {
    byte[] f = e.clone();
    SubmissionId.parse(id).writeTo(f, 1);
    return f;
  }

  private static byte[] flip(byte[] e, int pos) {
    byte[] f = e.clone();
    f[pos] ^= 0x01;
    return f;
  }

  private static byte[] set(byte[] e, int pos, int v) {
    byte[] f = e.clone();
    f[pos] = (byte) v;
    return f;
  }

  private static byte[] set16(byte[] e, int pos, int v) {
    byte[] f = e.clone();
    EnvelopeBytes.u16(f, pos, v);
    return f;
  }

  private static byte[] set32(byte[] e, int pos, int v) {
    byte[] f = e.clone();
    EnvelopeBytes.u32(f, pos, v);
    return f;
  }

  private static byte[] set64(byte[] e, int pos, long v) {
    byte[] f = e.clone();
    EnvelopeBytes.i64(f, pos, v);
    return f;
  }
}
