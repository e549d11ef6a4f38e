package dev.lhn.secureforms.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.testing.Canaries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  /**
   * The number step 3 submits, as typed and as normalised. Searched whole, not as "4241": four digits turn
   * up by chance in the submission ids, the audit head hash and the conversation id the run prints (#9).
   */
  private static final Canaries MISTYPED = new Canaries(Map.of(
      "mistyped pan", QuickStart.MISTYPED_PAN,
      "mistyped pan normalised", QuickStart.MISTYPED_PAN.replace(" ", "")));

  @TempDir
  Path dir;

  private String run() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    QuickStart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), dir);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean has(String out, String regex) {
    return Pattern.compile(regex, Pattern.MULTILINE).matcher(out).find();
  }

  @Test
  void run_tellsTheWholeStory() {
    String out = run();

    assertAll(
        () -> assertTrue(out.contains("Created the demo key-encryption key."), "first run creates the KEK"),
        () -> assertTrue(out.contains("That file is PLAINTEXT, for this demo only. A real deployment uses a KMS key")),
        () -> assertTrue(Files.exists(dir.resolve("demo-kek.json")), "keyset file"),
        () -> assertTrue(has(out, "^Store: JDBC on embedded H2, jdbc:h2:file:.*quickstart-db$")),
        () -> assertTrue(has(out, "^Epoch keys: JDBC on a second embedded H2, jdbc:h2:file:.*quickstart-keys"
            + " \\(outside the submissions' backup domain\\)$")),
        () -> assertTrue(Files.exists(dir.resolve("quickstart-keys.mv.db")), "the epoch keys' own database"),
        () -> assertTrue(has(out, "^   card-payment v1 \"Card payment\": view once; purged 24h after submission, "
            + "or 1h after the conversation ends$")),
        () -> assertTrue(has(out, "^     cvc +CARD_CVC +PCI_SAD .*own retention: purged the moment the conversation ends$")),
        // each masking says what the preview shows (#15): nothing, the value itself, brand and last four
        () -> assertTrue(has(out, "^     cvc +CARD_CVC +PCI_SAD +preview HIDDEN ")),
        () -> assertTrue(has(out, "^     visitType +CHOICE +NONE +preview UNMASKED$")),
        () -> assertTrue(has(out, "^     pan +CARD_NUMBER +PCI_PAN +preview CARD_BRAND_LAST4$")),
        () -> assertFalse(has(out, "preview (FULL|NONE)\\b"), "the old masking names"),
        () -> assertTrue(has(out, "^   hipaa-intake v1 \"Patient intake\": 2 views;")),
        () -> assertTrue(has(out, "^   card-payment  -> submission [A-Za-z0-9_-]{22}, purge at .*\\(in 24h\\)$")),
        // the invalid submission: field and rule, never the value
        () -> assertTrue(has(out, "^     pan +\\[luhn\\] +card number fails the Luhn check$")),
        () -> assertTrue(has(out, "^     exp +\\[expired\\]")),
        () -> assertEquals(List.of(), MISTYPED.leaksIn(out), "the rejected number is never printed"),
        // masked status
        () -> assertTrue(has(out, "views left 1 of 1, purge at")),
        () -> assertTrue(has(out, "^     pan +Visa \\*\\*\\*\\*4242$")),
        () -> assertTrue(has(out, "^     ssn +\\*\\*\\*-\\*\\*-6789$")),
        // purge the card code on demand
        () -> assertTrue(out.contains("purgeField(card, \"cvc\") -> true; still stored: name, pan, exp, postalCode, email")),
        // reveal once, then nothing
        () -> assertTrue(has(out, "^     Card number +4242 4242 4242 4242$")),
        () -> assertTrue(has(out, "^     Card code +\\(not stored: purged or left empty\\)$")),
        () -> assertTrue(out.contains("views left: 0 -> the submission is gone")),
        () -> assertTrue(out.contains("second reveal -> nothing (Optional.empty); status -> gone")),
        // intake: 2 views, multiline value
        () -> assertTrue(has(out, "^     Symptoms +Sore throat for three days.\n +Mild fever at night.$")),
        () -> assertTrue(out.contains("   views left: 1\n")),
        // conversation end, clock, purge
        () -> assertTrue(has(out, "conversationEnded\\(\"chat-[0-9a-f]{6}\"\\) -> 1 submission\\(s\\) updated")),
        () -> assertTrue(has(out, "purge moved to .*\\(in 1h\\)$")),
        () -> assertTrue(out.contains("status(intake) -> gone")),
        () -> assertTrue(out.contains("purgeDue() -> 1 purged")),
        // journal
        () -> assertTrue(has(out, "^   \\d+ +field_purged +card-payment +FIELD \\(cvc\\) +op-7 ")),
        () -> assertTrue(has(out, "^   \\d+ +revealed +card-payment +viewsLeft=0 +op-7 ")),
        () -> assertTrue(has(out, "^   \\d+ +conversation_ended +hipaa-intake +purgeAt=.* +- +\\+0s ")),
        () -> assertTrue(has(out, "^   \\d+ +purged +hipaa-intake +CONVERSATION_ENDED +- +\\+1h ")),
        () -> assertTrue(has(out, "verifyJournal\\(\\) -> journal OK: \\d+ chained records verified, 0 pending")),
        () -> assertTrue(has(out, "anchor this checkpoint elsewhere: lhnj1\\.\\d+\\.")),
        () -> assertTrue(has(out, "^   \\{\"id\":.*\"type\":\"submission.purged\".*\"detail\":\"CONVERSATION_ENDED\"\\}$")));
  }

  @Test
  void run_again_reusesTheKeyAndDatabase() {
    run();
    String second = run();

    assertTrue(second.contains("Reused the demo key-encryption key."));
    assertTrue(second.contains("purgeDue() -> 1 purged"), "the first run left nothing behind to purge");
    assertTrue(second.contains("verifyJournal() -> journal OK"), "the chain goes on across runs: " + second);
  }
}
