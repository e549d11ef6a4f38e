package dev.lhn.secureforms.internal;

import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.HOUR;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.NOW;
import static dev.lhn.secureforms.internal.EnvelopeV2Fixtures.epochKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trip and tamper properties of envelope v2 over random forms, values, slot counts and assignments. */
class EnvelopeV2Properties {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long SUBMITTED = NOW.toEpochMilli();

  /** A form of {@code values.size()} fields, {@code slots} slots, field i in slot {@code slotOf[i]}. */
  record Case(FormSchema form, Map<String, String> values, String tenant, List<KeySlotId> slots, int[] slotOf) {
    Policy policy() {
      return EnvelopeV2Fixtures.policy(form, tenant, Map.of());
    }

    int slotOf(String name) {
      return slotOf[Integer.parseInt(name.substring("field_".length()))];
    }

    Map<KeySlotId, byte[]> keys() {
      Map<KeySlotId, byte[]> m = new HashMap<>();
      for (int s = 0; s < slots.size(); s++) {
        m.put(slots.get(s), epochKey(s));
      }
      return m;
    }

    @Override
    public String toString() {
      return values.size() + " fields over " + slots.size() + " slots " + Arrays.toString(slotOf) + ", tenant '"
          + tenant + "'";
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> value = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .withCharRange('\u00C0', '\u00FF').withCharRange('\u4E00', '\u4E80').withChars('€')
        .ofMinLength(1).ofMaxLength(40).map(s -> s.length() % 3 == 0 ? s + "💳" : s);
    Arbitrary<List<String>> values = value.list().ofMinSize(1).ofMaxSize(12);
    Arbitrary<Integer> slotCount = Arbitraries.integers().between(1, EnvelopeV2.MAX_SLOTS);
    Arbitrary<String> tenant = Arbitraries.of("", "acme", "t.x-9_");
    Arbitrary<Long> seed = Arbitraries.longs();
    return Combinators.combine(values, slotCount, tenant, seed).as((vals, m, t, sd) -> {
      FormSchema.Builder b = FormSchema.builder("prop-form").version(3);
      Map<String, String> v = new LinkedHashMap<>();
      for (int i = 0; i < vals.size(); i++) {
        b.field(Field.multiline("field_" + i).maxLength(200));
        v.put("field_" + i, vals.get(i));
      }
      FormSchema form = b.build();
      List<KeySlotId> slots = new ArrayList<>();
      long deadline = SUBMITTED + 24 * HOUR;
      slots.add(EnvelopeV2Fixtures.slotId(t, deadline));
      for (int s = 1; s < m; s++) {
        slots.add(new KeySlotId(t, "data", Math.floorDiv(SUBMITTED, HOUR) * HOUR + s * HOUR, HOUR));
      }
      java.util.Random r = new java.util.Random(sd);
      int[] slotOf = new int[vals.size()];
      for (int i = 0; i < slotOf.length; i++) {
        slotOf[i] = r.nextInt(m);
      }
      return new Case(form, v, t, slots, slotOf);
    });
  }

  private static byte[] seal(Case c, SubmissionId id) {
    List<KeySlot> slots = new ArrayList<>();
    for (int s = 0; s < c.slots().size(); s++) {
      slots.add(new KeySlot(c.slots().get(s), epochKey(s)));
    }
    try (NormalizedValues nv = c.form().normalize(c.values(), NOW)) {
      return EnvelopeV2.seal(id, c.policy(), nv, slots, c::slotOf);
    } finally {
      slots.forEach(KeySlot::close);
    }
  }

  private static Map<String, String> openAll(byte[] e, SubmissionId id, Case c) {
    try (EnvelopeV2.Opened o = EnvelopeV2.open(e, id, EnvelopeV2Fixtures.keys(c.keys()), n -> true)) {
      assertFalse(o.destroyed());
      assertEquals(c.policy(), o.policy());
      return values(o);
    }
  }

  private static Map<String, String> values(EnvelopeV2.Opened o) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < o.names().size(); i++) {
      m.put(o.names().get(i), new String(o.valueUtf8(i), StandardCharsets.UTF_8));
    }
    return m;
  }

  private static Set<Integer> usedSlots(Case c, Set<String> present) {
    Set<Integer> used = new HashSet<>(Set.of(0));
    for (String n : present) {
      used.add(c.slotOf(n));
    }
    return used;
  }

  @Property(tries = 200)
  void sealThenOpen_roundTrips(@ForAll("cases") Case c) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] e = seal(c, id);
    assertEquals(c.values(), openAll(e, id, c));
    EnvelopeV2.Parsed p = EnvelopeV2.parse(e);
    assertEquals(usedSlots(c, c.values().keySet()), p.slots().keySet(), "exactly slot 0 and the slots in use");
    for (Map.Entry<String, Integer> f : p.fieldSlots().entrySet()) {
      assertEquals(c.slotOf(f.getKey()), f.getValue());
    }
  }

  /**
   * Every flipped bit is rejected, except in a slot's key id, which is authenticated only by its key: there a
   * flip may instead find no key (the destroyed outcome, as if the row were deleted), never a wrong value.
   */
  @Property(tries = 12)
  void everySingleBitFlip_isRejected(@ForAll("cases") Case c) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] e = seal(c, id);
    EnvelopeV2Layout l = EnvelopeV2Layout.of(e);
    for (int bit = 0; bit < e.length * 8; bit++) {
      byte[] t = e.clone();
      int pos = bit / 8;
      t[pos] ^= (byte) (1 << (bit % 8));
      boolean inSlotId = false;
      for (int k = 0; k < l.slotCount; k++) {
        inSlotId |= pos > l.slotStarts[k] && pos < l.slotNonceOffsets[k];
      }
      try (EnvelopeV2.Opened o = EnvelopeV2.open(t, id, EnvelopeV2Fixtures.keys(c.keys()), n -> true)) {
        if (!inSlotId) {
          fail("bit " + bit + " (byte " + pos + ") opened");
        }
        assertFalse(o.destroyedSlots().isEmpty(), "a flip in a slot id that opens can only miss a key, bit " + bit);
        values(o).forEach((n, v) -> assertEquals(c.values().get(n), v, "only sealed values"));
      } catch (DecryptionException expected) {
        // rejected
      }
    }
  }

  @Property(tries = 30)
  void everyTruncation_isRejected(@ForAll("cases") Case c) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] e = seal(c, id);
    for (int len = 0; len < e.length; len++) {
      byte[] t = Arrays.copyOf(e, len);
      assertThrows(DecryptionException.class, () -> EnvelopeV2.parse(t), "length " + len);
      assertThrows(DecryptionException.class,
          () -> EnvelopeV2.open(t, id, EnvelopeV2Fixtures.keys(c.keys()), n -> true), "length " + len);
    }
  }

  @Property(tries = 100)
  void withoutFields_keepsTheRestOpenable_andRemovesUnusedSlots(@ForAll("cases") Case c, @ForAll long dropSeed) {
    SubmissionId id = SubmissionId.random(RANDOM);
    byte[] e = seal(c, id);
    java.util.Random r = new java.util.Random(dropSeed);
    Set<String> drop = new HashSet<>();
    for (String n : c.values().keySet()) {
      if (r.nextBoolean()) {
        drop.add(n);
      }
    }
    byte[] smaller = EnvelopeV2.withoutFields(e, drop);
    Map<String, String> expected = new LinkedHashMap<>(c.values());
    expected.keySet().removeAll(drop);
    assertEquals(expected, openAll(smaller, id, c));
    EnvelopeV2.Parsed p = EnvelopeV2.parse(smaller);
    assertEquals(usedSlots(c, expected.keySet()), p.slots().keySet(), "dropped fields leave no unused slot");
    EnvelopeV2Layout before = EnvelopeV2Layout.of(e);
    EnvelopeV2Layout after = EnvelopeV2Layout.of(smaller);
    for (int k = 0; k < before.slotCount; k++) {
      if (!p.slots().containsKey(before.slotIndex[k])) {
        assertTrue(indexOf(smaller, before.wrapped(k)) < 0, "the dropped slot's wrapped key is gone from the bytes");
      }
    }
    assertEquals(p.slots().size(), after.slotCount);
    assertArrayEquals(e, EnvelopeV2.withoutFields(e, Set.of()), "dropping nothing is the identity");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
