package dev.lhn.secureforms.sealed;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lhn.secureforms.internal.Hpke;
import dev.lhn.secureforms.internal.SealedForms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The sealed payload format, for clients that are not the browser module (a native app, a test, a
 * server-to-server caller): {@code {"v":1,"token":<form request token>,"kid":<key id>,"ct":<base64url of
 * HPKE enc || ciphertext>}}, the plaintext being the JSON object of field name to value, and HPKE's
 * {@code info} the ASCII bytes of {@code "lsf/sealed/v1" NUL kid NUL token}. {@code docs/BROWSER.md}
 * describes it; the browser module ({@code lhn-secure-forms-browser}) writes the same bytes.
 */
public final class SealedPayload {
  private static final JsonFactory JSON = new JsonFactory();

  private SealedPayload() {}

  /**
   * Seals {@code values} for {@code request}, as the browser module does.
   *
   * @param request the form request the visitor was given
   * @param values field name to raw input
   * @return the payload to pass to {@code SecureForms.submitSealed}
   * @throws IllegalArgumentException if the request's public key is not a 32-byte X25519 key
   */
  public static String seal(FormRequest request, Map<String, String> values) {
    requireNonNull(request, "request");
    requireNonNull(values, "values");
    byte[] plain = json(values);
    try {
      byte[] pub = Base64.getUrlDecoder().decode(request.key().publicKey());
      byte[] ct = Hpke.encrypter(pub).encrypt(plain, SealedForms.info(request.key().keyId(), request.token()));
      return "{\"v\":1,\"token\":\"" + request.token() + "\",\"kid\":\"" + request.key().keyId() + "\",\"ct\":\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(ct) + "\"}";
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the form request's key is not a 32-byte X25519 public key ("
          + e.getClass().getSimpleName() + ")");
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static byte[] json(Map<String, String> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      for (Map.Entry<String, String> e : values.entrySet()) {
        g.writeStringField(requireNonNull(e.getKey(), "field name"), requireNonNull(e.getValue(), "value"));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toByteArray();
  }
}
