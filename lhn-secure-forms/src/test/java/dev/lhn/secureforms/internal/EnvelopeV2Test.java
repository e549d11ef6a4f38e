package dev.lhn.secureforms.internal;

import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.NOW;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.epochKey;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.keys;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.slotId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Envelope format v2 (docs/FORMAT.md, "Version 2"): the codec's contract, case by case. */
class EnvelopeV2Test {
  private static final SubmissionId ID = SubmissionId.parse("mHqTwaA9rWmWX7ezPDr7bQ");
  private static final SubmissionId OTHER = SubmissionId.parse("UIbSvrX3_zCy5himGKCEOA");
  private static final long SUBMITTED = NOW.toEpochMilli();
  private static final KeySlotId DATA = slotId("", SUBMITTED + 24 * EnvelopeV2Fixtures.HOUR);
  private static final KeySlotId CVC = slotId("", SUBMITTED + 15 * 60_000L);
  private static final Policy POLICY = EnvelopeV2Fixtures.policy(Forms.card(), "", Map.of("cvc", 15 * 60_000L));
  private static final Map<KeySlotId, byte[]> KEYS = Map.of(DATA, epochKey(0), CVC, epochKey(1));

  private static byte[] sealCard() {
    try (NormalizedValues nv = EnvelopeV2Fixtures.normalize(Forms.card(), Forms.cardValues());
        KeySlot data = new KeySlot(DATA, epochKey(0));
        KeySlot cvc = new KeySlot(CVC, epochKey(1))) {
      return EnvelopeV2.seal(ID, POLICY, nv, List.of(data, cvc), name -> name.equals("cvc") ? 1 : 0);
    }
  }

  private static Map<String, String> values(EnvelopeV2.Opened o) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < o.names().size(); i++) {
      m.put(o.names().get(i), new String(o.valueUtf8(i), StandardCharsets.UTF_8));
    }
    return m;
  }

  @Test
  void sealThenOpen_returnsEveryValueAndTheAuthenticatedPolicy() {
    byte[] e = sealCard();
    try (EnvelopeV2.Opened o = EnvelopeV2.open(e, ID, keys(KEYS), n -> true)) {
      assertFalse(o.destroyed());
      assertEquals(POLICY, o.policy());
      assertEquals(Map.of("name", "Jane Q. Public", "pan", "4242424242424242", "exp", "12/2039", "cvc", "123",
          "postal", "94105", "email", "jane@example.com"), values(o));
      assertEquals(Set.of(), o.destroyedFields());
      assertTrue(o.toString().contains("<redacted>") && !o.toString().contains("4242"), o.toString());
    }
    assertEquals(2, EnvelopeV2.version(e));
  }

  @Test
  void seal_drawsEachSlotsKeyAndNonceFresh_andRefusesRandomnessOfTheWrongSize() {
    // the production source draws a slot's key and wrap nonce in one call (#12): every nonce is fresh
    byte[] first = sealCard();
    byte[] second = sealCard();
    EnvelopeV2.Layout l1 = EnvelopeV2.layout(first);
    EnvelopeV2.Layout l2 = EnvelopeV2.layout(second);
    Set<String> nonces = new java.util.HashSet<>();
    for (int k = 0; k < 2; k++) {
      nonces.add(Arrays.toString(Arrays.copyOfRange(first, l1.slotNonces[k], l1.slotNonces[k] + 12)));
      nonces.add(Arrays.toString(Arrays.copyOfRange(second, l2.slotNonces[k], l2.slotNonces[k] + 12)));
    }
    assertEquals(4, nonces.size());
    try (EnvelopeV2.Opened o = EnvelopeV2.open(second, ID, keys(KEYS), n -> true)) {
      assertEquals(6, o.names().size());
    }
    // a source that returns the wrong number of bytes seals nothing, and says only that the cipher failed
    try (NormalizedValues nv = EnvelopeV2Fixtures.normalize(Forms.card(), Forms.cardValues());
        KeySlot data = new KeySlot(DATA, epochKey(0))) {
      dev.lhn.secureforms.SecureFormsException e = assertThrows(dev.lhn.secureforms.SecureFormsException.class,
          () -> EnvelopeV2.seal(ID, POLICY, nv, List.of(data), n -> 0, n -> new byte[n - 1]));
      assertEquals("sealing failed: the cipher failed (IllegalStateException)", e.getMessage());
    }
  }

  @Test
  void parse_givesIdPolicySlotsAndFieldSlotsWithoutAnyKey() {
    EnvelopeV2.Parsed p = EnvelopeV2.parse(sealCard());
    assertEquals(2, p.version());
    assertEquals(ID, p.id());
    assertEquals(POLICY, p.policy());
    assertEquals(Map.of(0, DATA, 1, CVC), p.slots());
    assertEquals(List.of("name", "pan", "exp", "cvc", "postal", "email"), List.copyOf(p.fieldSlots().keySet()));
    assertEquals(1, p.fieldSlots().get("cvc"));
    assertEquals(0, p.fieldSlots().get("pan"));
  }

  @Test
  void open_unwrapsOnlyTheSlotsTheWantedFieldsNeed_plusSlotZero() {
    byte[] e = sealCard();
    List<KeySlotId> asked = new ArrayList<>();
    Function<KeySlotId, Optional<byte[]>> counting = id -> {
      asked.add(id);
      return keys(KEYS).apply(id);
    };
    try (EnvelopeV2.Opened o = EnvelopeV2.open(e, ID, counting, n -> n.equals("pan"))) {
      assertEquals(List.of("pan"), o.names());
    }
    assertEquals(List.of(DATA), asked);
    asked.clear();
    try (EnvelopeV2.Opened o = EnvelopeV2.open(e, ID, counting, n -> n.equals("cvc"))) {
      assertEquals(List.of("cvc"), o.names());
      assertEquals(POLICY, o.policy());
    }
    assertEquals(List.of(DATA, CVC), asked, "slot 0 always (it authenticates the policy), then the cvc's");
  }

  @Test
  void open_cvcEpochDestroyed_returnsTheOthersAndNamesTheCvc() {
    byte[] e = sealCard();
    try (EnvelopeV2.Opened o = EnvelopeV2.open(e, ID, keys(Map.of(DATA, epochKey(0))), n -> true)) {
      assertFalse(o.destroyed());
      assertEquals(List.of("name", "pan", "exp", "postal", "email"), o.names());
      assertEquals(Set.of("cvc"), o.destroyedFields());
      assertEquals(List.of(CVC), o.destroyedSlots());
    }
  }

  @Test
  void open_submissionEpochDestroyed_isTheDestroyedOutcome_notAnError() {
    byte[] e = sealCard();
    try (EnvelopeV2.Opened o = EnvelopeV2.open(e, ID, keys(Map.of(CVC, epochKey(1))), n -> true)) {
      assertTrue(o.destroyed());
      assertEquals(List.of(), o.names());
      assertEquals(Set.of("name", "pan", "exp", "cvc", "postal", "email"), o.destroyedFields());
      assertEquals(List.of(DATA), o.destroyedSlots());
      IllegalStateException ex = assertThrows(IllegalStateException.class, o::policy);
      assertTrue(ex.getMessage().contains("destroyed"), ex.getMessage());
    }
  }

  @Test
  void open_wrongEpochKey_isTampered() {
    byte[] e = sealCard();
    DecryptionException ex = assertThrows(DecryptionException.class,
        () -> EnvelopeV2.open(e, ID, keys(Map.of(DATA, epochKey(1), CVC, epochKey(1))), n -> true));
    assertEquals("data key of slot 0 of submission " + ID
        + " failed to authenticate: the epoch key is wrong or the envelope was tampered with", ex.getMessage());
    assertNull(ex.getCause());
    DecryptionException cvc = assertThrows(DecryptionException.class,
        () -> EnvelopeV2.open(e, ID, keys(Map.of(DATA, epochKey(0), CVC, epochKey(0))), n -> true));
    assertTrue(cvc.getMessage().startsWith("data key of slot 1 "), cvc.getMessage());
  }

  @Test
  void open_anotherSubmission_isRejectedBeforeAnyKey() {
    byte[] e = sealCard();
    DecryptionException ex = assertThrows(DecryptionException.class, () -> EnvelopeV2.open(e, OTHER, id -> {
      throw new AssertionError("no key before the id check");
    }, n -> true));
    assertEquals("envelope belongs to another submission", ex.getMessage());
  }

  @Test
  void open_epochKeyOfTheWrongLength_isMisuse() {
    byte[] e = sealCard();
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> EnvelopeV2.open(e, ID, id -> Optional.of(new byte[16]), n -> true));
    assertEquals("the epoch key of slot 0 is 16 bytes, not 32", ex.getMessage());
  }

  @Test
  void withoutFields_dropsTheCvcAndItsSlot() {
    byte[] e = sealCard();
    byte[] smaller = EnvelopeV2.withoutFields(e, Set.of("cvc"));
    EnvelopeV2.Parsed p = EnvelopeV2.parse(smaller);
    assertEquals(Map.of(0, DATA), p.slots(), "the cvc's wrapped data key is gone");
    assertEquals(POLICY, p.policy(), "the original field list stays");
    assertEquals(e.length - (1 + 1 + 1 + 4 + 8 + 8 + 12 + 48) - (1 + 3 + 1 + 1 + 4 + 3 + 16), smaller.length);
    try (EnvelopeV2.Opened o = EnvelopeV2.open(smaller, ID, keys(Map.of(DATA, epochKey(0))), n -> true)) {
      assertEquals(List.of("name", "pan", "exp", "postal", "email"), o.names());
      assertEquals(Set.of(), o.destroyedFields());
    }
    assertArrayEquals(e, EnvelopeV2.withoutFields(e, Set.of()), "dropping nothing is the identity");
    assertArrayEquals(e, EnvelopeV2.withoutFields(e, Set.of("nosuch")));
    byte[] none = EnvelopeV2.withoutFields(e, Set.of("name", "pan", "exp", "cvc", "postal", "email"));
    assertEquals(Map.of(0, DATA), EnvelopeV2.parse(none).slots(), "slot 0 stays: it authenticates the policy");
    try (EnvelopeV2.Opened o = EnvelopeV2.open(none, ID, keys(KEYS), n -> true)) {
      assertEquals(POLICY, o.policy());
      assertEquals(List.of(), o.names());
    }
  }

  @Test
  void seal_writesNoSlotThatNoFieldUses() {
    Map<String, String> v = new LinkedHashMap<>(Forms.cardValues());
    try (NormalizedValues nv = EnvelopeV2Fixtures.normalize(Forms.card(), v);
        KeySlot data = new KeySlot(DATA, epochKey(0));
        KeySlot unused = new KeySlot(CVC, epochKey(1))) {
      byte[] e = EnvelopeV2.seal(ID, POLICY, nv, List.of(data, unused), n -> 0);
      assertEquals(Map.of(0, DATA), EnvelopeV2.parse(e).slots());
    }
  }

  @Test
  void seal_misuse_namesTheRule() {
    try (NormalizedValues nv = EnvelopeV2Fixtures.normalize(Forms.card(), Forms.cardValues());
        KeySlot data = new KeySlot(DATA, epochKey(0))) {
      assertEquals("slot 1 of field 'name' is outside 0 to 0", assertThrows(IllegalArgumentException.class,
          () -> EnvelopeV2.seal(ID, POLICY, nv, List.of(data), n -> 1)).getMessage());
      assertEquals("slots must hold 1 to 16 slots, got 0", assertThrows(IllegalArgumentException.class,
          () -> EnvelopeV2.seal(ID, POLICY, nv, List.of(), n -> 0)).getMessage());
      Policy intake = EnvelopeV2Fixtures.policy(Forms.intake(), "", Map.of());
      assertTrue(assertThrows(IllegalArgumentException.class,
          () -> EnvelopeV2.seal(ID, intake, nv, List.of(data), n -> 0)).getMessage().startsWith("values are of form"));
    }
    assertEquals("epochKey must be 32 bytes, got 31",
        assertThrows(IllegalArgumentException.class, () -> new KeySlot(DATA, new byte[31])).getMessage());
  }

  @Test
  void keySlot_copiesWipesAndRedacts() {
    byte[] k = epochKey(0);
    KeySlot s = new KeySlot(DATA, k);
    k[0] ^= 1;
    assertNotEquals(k[0], s.epochKey()[0], "a copy");
    assertFalse(s.toString().contains(TestKeys.hex(epochKey(0))), s.toString());
    s.close();
    assertThrows(IllegalStateException.class, s::epochKey);
  }

  @Test
  void version_readsOneOrTwo_andRejectsTheRest() {
    assertEquals(1, EnvelopeV2.version(new byte[] {1, 0}));
    assertEquals(2, EnvelopeV2.version(new byte[] {2}));
    assertEquals("unknown envelope format version 3",
        assertThrows(DecryptionException.class, () -> EnvelopeV2.version(new byte[] {3})).getMessage());
    assertEquals("envelope truncated in version at byte 0",
        assertThrows(DecryptionException.class, () -> EnvelopeV2.version(new byte[0])).getMessage());
  }

  @Test
  void v1Envelope_isRejectedByTheV2Codec_andV2ByTheV1Codec() {
    assertEquals("unknown envelope format version 1", assertThrows(DecryptionException.class,
        () -> EnvelopeV2.parse(new byte[] {1, 2, 3})).getMessage());
    assertEquals("unknown envelope format version 2", assertThrows(DecryptionException.class,
        () -> Envelope.fieldNames(sealCard())).getMessage());
  }

  @Test
  void policy_equalsByContent_andValidates() {
    Policy a = EnvelopeV2Fixtures.policy(Forms.card(), "acme", Map.of());
    Policy b = EnvelopeV2Fixtures.policy(Forms.card(), "acme", Map.of());
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, EnvelopeV2Fixtures.policy(Forms.card(), "acme2", Map.of()));
    byte[] ref = a.conversationRef();
    ref[0] ^= 1;
    assertArrayEquals(EnvelopeV2Fixtures.CONVERSATION, a.conversationRef(), "accessor returns a copy");
    assertFalse(a.toString().contains("conv-ref"), a.toString());
    assertEquals(a, Policy.decode(a.encode(), 0, a.encode().length));
    assertEquals("maxViews must be 1 to 1000, got 1001", assertThrows(IllegalArgumentException.class,
        () -> new Policy("f", 1, new byte[1], 0, 0, 1001, -1, -1, "", List.of(new Policy.FieldRetention("a", -1, -1))))
        .getMessage());
    assertEquals("hardDeadlineMillis 4 is before submittedAtMillis 5", assertThrows(IllegalArgumentException.class,
        () -> new Policy("f", 1, new byte[1], 5, 4, 1, -1, -1, "", List.of(new Policy.FieldRetention("a", -1, -1))))
        .getMessage());
    assertEquals("field 'a' appears twice in fields", assertThrows(IllegalArgumentException.class,
        () -> new Policy("f", 1, new byte[1], 0, 0, 1, -1, -1, "", List.of(new Policy.FieldRetention("a", -1, -1),
            new Policy.FieldRetention("a", 5, -1)))).getMessage());
    assertEquals("tenant must match [a-z0-9._-]{0,64} (length 4)", assertThrows(IllegalArgumentException.class,
        () -> new Policy("f", 1, new byte[1], 0, 0, 1, -1, -1, "ACME", List.of(new Policy.FieldRetention("a", -1, -1))))
        .getMessage());
  }

  @Test
  void aPolicyByteChanged_failsEveryField_evenWhenItStillParses() {
    byte[] e = sealCard();
    // maxViews is the u16 after formIdLen formId schemaVer refLen ref submittedAt hardDeadline
    int maxViews = 1 + 16 + 2 + 1 + "card-payment".length() + 4 + 2 + EnvelopeV2Fixtures.CONVERSATION.length + 8 + 8;
    assertEquals(1, ((e[maxViews] & 0xFF) << 8) | (e[maxViews + 1] & 0xFF));
    byte[] more = e.clone();
    more[maxViews + 1] = 100;
    assertEquals(100, EnvelopeV2.parse(more).policy().maxViews(), "still a well-formed policy");
    DecryptionException ex = assertThrows(DecryptionException.class,
        () -> EnvelopeV2.open(more, ID, keys(KEYS), n -> true));
    assertTrue(ex.getMessage().startsWith("data key of slot 0 "), ex.getMessage());
  }

  @Test
  void parse_fieldSlots_areInEnvelopeOrder() {
    byte[] e = sealCard();
    EnvelopeV2.Parsed p = EnvelopeV2.parse(e);
    assertEquals(Arrays.asList(0, 0, 0, 1, 0, 0), List.copyOf(p.fieldSlots().values()));
  }
}
