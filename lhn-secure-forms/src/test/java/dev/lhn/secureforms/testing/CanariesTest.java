package dev.lhn.secureforms.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canary matcher catches real leaks of short values and ignores chance look-alikes in random tokens. */
class CanariesTest {
  private static final Canaries CVC = new Canaries(Map.of("cvc", "731", "cvc4", "7319"));

  @Test
  void leaksIn_aLogLine_isFound() {
    assertEquals(List.of("cvc (731)"), CVC.leaksIn("DEBUG revealed submission x: cvc=731, pan=<masked>"));
    assertEquals(List.of("cvc (731)"), CVC.leaksIn("731"));
    assertEquals(List.of("cvc4 (7319)"), CVC.leaksIn("card code: 7319."));
  }

  @Test
  void leaksIn_anExceptionStackTrace_isFound() {
    StringWriter w = new StringWriter();
    new IllegalStateException("card code '731' is not valid for this card").printStackTrace(new PrintWriter(w));
    assertEquals(List.of("cvc (731)"), CVC.leaksIn(w.toString()));
  }

  @Test
  void leaksIn_anEventJson_isFound() {
    assertEquals(List.of("cvc (731)"), CVC.leaksIn("{\"type\":\"submitted\",\"preview\":{\"cvc\":\"731\"}}"));
    assertEquals(List.of("cvc4 (7319)"), CVC.leaksIn("FormEvent[fields=[7319]]"));
  }

  @Test
  void leaksIn_hexAndBase64OfTheValue_areFound() {
    byte[] b = "731".getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of("cvc (373331)"), CVC.leaksIn("value bytes " + HexFormat.of().formatHex(b)));
    assertEquals(List.of("cvc (NzMx)"), CVC.leaksIn("value=" + Base64.getEncoder().encodeToString(b)));
    assertEquals(List.of("cvc4 (NzMxOQ)"),
        CVC.leaksIn("{\"v\":\"" + Base64.getEncoder().encodeToString("7319".getBytes(StandardCharsets.UTF_8)) + "\"}"));
    Canaries name = new Canaries(Map.of("name", "Canary Zyxwvut Qqqjjj"));
    String hex = HexFormat.of().withUpperCase().formatHex("Canary Zyxwvut Qqqjjj".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("name (" + hex + ")"), name.leaksIn("dump 00FF" + hex + "00"), "long forms match anywhere");
  }

  @Test
  void leaksIn_aRandomSha256HexContainingTheDigits_isNotALeak() throws NoSuchAlgorithmException {
    for (String digits : List.of("7319", "731", "373331")) {
      String hash = sha256HexContaining(digits);
      assertTrue(hash.contains(digits), hash);
      assertEquals(List.of(), CVC.leaksIn("AuditRecord[seq=3, hash=" + hash + ", previousHash=" + hash + "]"), hash);
      assertEquals(List.of(), CVC.leaksIn(hash));
    }
  }

  @Test
  void leaksIn_aSubmissionIdContainingTheDigitsOrTheirBase64_isNotALeak() {
    // base64url ids carry '-' and '_', which must not count as boundaries
    String text = "a-731_NzMx-7319_zzzzzA";
    SubmissionId id = SubmissionId.parse(text);
    assertEquals(text, id.toString());
    assertEquals(List.of(), CVC.leaksIn("submission " + id + " revealed"));
  }

  /** The first SHA-256 hex (of "seed-0", "seed-1", ...) that contains {@code s}: deterministic. */
  private static String sha256HexContaining(String s) throws NoSuchAlgorithmException {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    for (int i = 0; ; i++) {
      String hex = HexFormat.of().formatHex(d.digest(("seed-" + i).getBytes(StandardCharsets.UTF_8)));
      if (hex.contains(s)) {
        return hex;
      }
    }
  }
}
