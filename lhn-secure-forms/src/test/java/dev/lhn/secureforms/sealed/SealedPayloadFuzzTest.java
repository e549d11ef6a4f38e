package dev.lhn.secureforms.sealed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.TestKeys;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for {@link SecureForms#submitSealed}'s parsing of what a browser posts (#13): the payload's
 * JSON, its base64url parts, the form request token and the HPKE ciphertext. In a plain {@code ./mvnw test}
 * it runs the seeds under {@code src/test/resources/dev/lhn/secureforms/sealed/SealedPayloadFuzzTestInputs/
 * submitSealed/}; with {@code JAZZER_FUZZ=1} it fuzzes for {@code maxDuration}.
 *
 * <p>Three shapes of input, chosen by the first byte: any bytes as the request body (UTF-8, as a host reads
 * it); a payload freshly sealed to a live form request with a few characters replaced; and the live
 * request's token and key id around a fuzzed ciphertext. The only outcomes allowed: a receipt (an edit that
 * left the payload valid; exactly one submission more is stored, and a new request is issued for the next
 * inputs), a {@link SealedSubmissionException} with a reason and a message that quotes neither the token nor
 * the ciphertext, or an {@link InvalidSubmissionException}; on a refusal nothing is stored. Any other
 * throwable fails the run.
 */
class SealedPayloadFuzzTest {
  private static final String CONVERSATION = "conversation-fuzz-1";
  private static final SecureForms FORMS = SecureForms.builder()
      .keyEncryptionKey(TestKeys.freshKek())
      .store(SubmissionStore.inMemory())
      .retentionScheduler(RetentionScheduler.disabled())
      .build();
  private static final FormSchema CARD = Forms.card();
  private static FormRequest request;
  private static String valid;

  static {
    fresh();
  }

  private static void fresh() {
    request = FORMS.requestForm(CARD, CONVERSATION);
    valid = SealedPayload.seal(request, Forms.cardValues());
  }

  @FuzzTest(maxDuration = "5s")
  void submitSealed(FuzzedDataProvider data) {
    String body = switch (data.consumeInt(0, 2)) {
      case 0 -> new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
      case 1 -> {
        StringBuilder b = new StringBuilder(valid);
        for (int i = data.consumeInt(1, 4); i > 0 && b.length() > 0; i--) {
          b.setCharAt(data.consumeInt(0, b.length() - 1), data.consumeChar());
        }
        yield b.toString();
      }
      default -> "{\"v\":1,\"token\":\"" + request.token() + "\",\"kid\":\"" + request.key().keyId()
          + "\",\"ct\":\"" + data.consumeRemainingAsAsciiString() + "\"}";
    };
    int before = FORMS.submissions(CONVERSATION).size();
    try {
      SubmissionReceipt r = FORMS.submitSealed(CARD, CONVERSATION, body);
      assertNotNull(r);
      assertEquals(before + 1, FORMS.submissions(CONVERSATION).size(), "a receipt stores exactly one submission");
      FORMS.purge(r.id()); // keep the conversation small; the request stays consumed
      fresh();
      return;
    } catch (SealedSubmissionException e) {
      assertNotNull(e.reason());
      assertNull(e.getCause(), () -> "unexpected failure inside the parser: " + e.getMessage());
      String m = e.getMessage();
      assertFalse(m.contains(request.token()), "the message quotes the token");
      int ct = body.indexOf("\"ct\":\"");
      if (ct >= 0 && body.length() - ct > 40) {
        assertFalse(m.contains(body.substring(ct + 6, ct + 38)), "the message quotes the ciphertext");
      }
    } catch (InvalidSubmissionException e) {
      assertNotNull(e.violations());
    }
    assertEquals(before, FORMS.submissions(CONVERSATION).size(), "a refusal stores nothing");
  }
}
