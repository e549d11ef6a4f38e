package dev.lhn.secureforms.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.internal.HpkeDecrypt;
import com.google.crypto.tink.hybrid.internal.HpkeEncrypt;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * HPKE between the browser bundle (@hpke/core) and Tink, in both directions: fixed vectors committed under
 * {@code src/test/resources/vectors/}, and fresh ones made by Node running the built bundle. Tink is used
 * directly here, not through the library, so the test checks the wire format on its own. The recipient's
 * private key is RFC 9180's A.1 skRm: public test data.
 */
class HpkeInteropTest {
  static final byte[] SK = HexFormat.of().parseHex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
  /** pkRm, as X25519 derives it from skRm (checked below). */
  static final byte[] PK = HexFormat.of().parseHex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
  static final String KID = "29932440-60";
  static final String TOKEN = "dG9rZW4";
  static final String PLAIN = "{\"pan\":\"4242 4242 4242 4242\",\"cvc\":\"123\"}";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  static HpkeParameters params() throws GeneralSecurityException {
    return HpkeParameters.builder().setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
        .setKdfId(HpkeParameters.KdfId.HKDF_SHA256).setAeadId(HpkeParameters.AeadId.AES_256_GCM)
        .setVariant(HpkeParameters.Variant.NO_PREFIX).build();
  }

  static byte[] info(String kid, String token) {
    return ("lsf/sealed/v1\0" + kid + "\0" + token).getBytes(StandardCharsets.US_ASCII);
  }

  static String javaOpen(String payload) throws GeneralSecurityException {
    HpkePublicKey pub = HpkePublicKey.create(params(), Bytes.copyFrom(PK), null);
    HybridDecrypt d = HpkeDecrypt.create(HpkePrivateKey.create(pub, SecretBytes.copyFrom(SK, InsecureSecretKeyAccess.get())));
    byte[] ct = Base64.getUrlDecoder().decode(field(payload, "ct"));
    return new String(d.decrypt(ct, info(field(payload, "kid"), field(payload, "token"))), StandardCharsets.UTF_8);
  }

  static String javaSeal(String plain) throws GeneralSecurityException {
    byte[] ct = HpkeEncrypt.create(HpkePublicKey.create(params(), Bytes.copyFrom(PK), null))
        .encrypt(plain.getBytes(StandardCharsets.UTF_8), info(KID, TOKEN));
    return "{\"v\":1,\"token\":\"" + TOKEN + "\",\"kid\":\"" + KID + "\",\"ct\":\"" + B64.encodeToString(ct) + "\"}";
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    assertTrue(m.find(), name + " in the payload");
    return m.group(1);
  }

  static String resource(String name) throws Exception {
    try (InputStream in = HpkeInteropTest.class.getResourceAsStream("/vectors/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  static String node(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", Tools.JS.resolve("test/interop.mjs").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static void requireNode() {
    Tools.require(Tools.onPath("node") != null && Tools.nodeModulesInstalled(),
        "HpkeInteropTest: no node on the PATH or js/node_modules missing (npm ci in lhn-secure-forms-browser/js)");
  }

  @Test
  void keyPair_isConsistent() throws Exception {
    assertEquals(HexFormat.of().formatHex(PK),
        HexFormat.of().formatHex(com.google.crypto.tink.subtle.X25519.publicFromPrivate(SK)));
  }

  @Test
  void fixedVector_sealedByTheBundle_opensInTink() throws Exception {
    assertEquals(PLAIN, javaOpen(resource("js-sealed.json")));
  }

  @Test
  void fixedVector_sealedByTink_opensInTheBundle() throws Exception {
    String payload = resource("java-sealed.json");
    assertEquals(PLAIN, javaOpen(payload)); // the vector itself is sound
    requireNode();
    assertEquals(PLAIN, node("open", B64.encodeToString(SK), payload));
  }

  @Test
  void fresh_bothWays() throws Exception {
    requireNode();
    String request = "{\"token\":\"" + TOKEN + "\",\"key\":{\"kid\":\"" + KID + "\",\"x\":\"" + B64.encodeToString(PK) + "\"}}";
    assertEquals(PLAIN, javaOpen(node("seal", request, PLAIN)));
    assertEquals(PLAIN, node("open", B64.encodeToString(SK), javaSeal(PLAIN)));
  }

  @Test
  void anotherToken_doesNotOpen() throws Exception {
    String payload = resource("js-sealed.json").replace(TOKEN, "dG9rZW5");
    assertThrows(GeneralSecurityException.class, () -> javaOpen(payload));
  }
}
