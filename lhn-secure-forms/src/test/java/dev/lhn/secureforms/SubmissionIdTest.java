package dev.lhn.secureforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionIdTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void text_roundTrips_andIsUrlSafe() {
    Set<SubmissionId> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      SubmissionId id = SubmissionId.random(random);
      String s = id.toString();
      assertEquals(22, s.length());
      assertTrue(s.matches("[A-Za-z0-9_-]{22}"), s);
      assertEquals(id, SubmissionId.parse(s));
      assertArrayEquals(id.toBytes(), SubmissionId.parse(s).toBytes());
      assertTrue(seen.add(id));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAA+A",
      "AAAAAAAAAAAAAAAAAAAA/A", "AAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAB", " AAAAAAAAAAAAAAAAAAAAA",
      "AAAAAAAAAAAAAAAAAAAAA\n"})
  void parse_rejectsAnythingElse(String text) {
    assertThrows(IllegalArgumentException.class, () -> SubmissionId.parse(text));
  }

  @Test
  void parse_messageNamesTheRule() {
    assertEquals("invalid submission id 'abc': must be 22 characters, got 3",
        assertThrows(IllegalArgumentException.class, () -> SubmissionId.parse("abc")).getMessage());
    assertEquals("invalid submission id 'AAAAAAAAAAAAAAAAAAAAAB': is not in canonical form",
        assertThrows(IllegalArgumentException.class, () -> SubmissionId.parse("AAAAAAAAAAAAAAAAAAAAAB")).getMessage());
  }

  @Test
  void ordering_andEquality() {
    SubmissionId a = SubmissionId.fromBytes(new byte[16]);
    byte[] b1 = new byte[16];
    b1[0] = (byte) 0xFF;
    SubmissionId b = SubmissionId.fromBytes(b1);
    assertTrue(a.compareTo(b) < 0, "unsigned order");
    assertNotEquals(a, b);
    assertEquals("AAAAAAAAAAAAAAAAAAAAAA", a.toString());
  }
}
