package dev.lhn.secureforms.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.testing.Canaries;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * The sample's REST API over real HTTP: submit, masked status, one reveal, the conversation's end, and
 * every error. No response but a reveal, and no log line (at DEBUG), holds a submitted value.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:bootsample_api;DB_CLOSE_DELAY=-1",
        "sample.epoch-keys.url=jdbc:h2:mem:bootsample_api_keys;DB_CLOSE_DELAY=-1",
        // As someone chasing a problem would: the library's and Spring MVC's DEBUG lines, still no value.
        "logging.level.dev.lhn.secureforms=DEBUG", "logging.level.org.springframework.web=DEBUG"})
@ExtendWith(OutputCaptureExtension.class)
class FormsControllerTest {
  // Canaries: values nothing else in a response or a log line can contain by chance.
  private static final String NAME = "Quillon Zebulonsky-Canary";
  private static final String PAN = "4000 0566 5566 5556";
  private static final String PAN_DIGITS = "4000056655665556";
  private static final String CVC = "731";
  private static final String BAD_PAN = "4000 0566 5566 5557"; // fails the Luhn check
  private static final Canaries SUBMITTED = new Canaries(Map.of(
      "name", NAME, "pan", PAN, "pan digits", PAN_DIGITS, "cvc", CVC, "bad pan", BAD_PAN,
      "bad pan digits", "4000056655665557"));

  @LocalServerPort int port;
  private Api api;
  private String conversation;

  /** A form that keeps nothing past the conversation's end, for the 409 (the card form keeps an hour). */
  @TestConfiguration
  static class EndOnlyForm {
    @Bean
    FormSchema cardCodeCheck() {
      return FormSchema.builder("card-code-check")
          .field(Field.cardCvc("cvc"))
          .retention(RetentionPolicy.maxAge(Duration.ofHours(1)).andAfterConversationEnd(Duration.ZERO))
          .build();
    }
  }

  @BeforeEach
  void setUp() {
    api = new Api(port);
    conversation = "conversation-" + UUID.randomUUID();
  }

  private static Map<String, String> card(String pan) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", NAME);
    v.put("pan", pan);
    v.put("exp", "12/39");
    v.put("cvc", CVC);
    v.put("postalCode", "10115");
    return v;
  }

  private String submitCard() {
    Api.Reply r = api.post("/conversations/" + conversation + "/forms/card-payment", card(PAN));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asString();
  }

  @Test
  void submit_statusMasked_revealOnce_secondRevealIs404(CapturedOutput log) {
    Api.Reply created = api.post("/conversations/" + conversation + "/forms/card-payment", card(PAN));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode receipt = created.json();
    String id = receipt.get("id").asString();
    assertThat(id).hasSize(22);
    assertThat(created.header("Location")).isEqualTo("/submissions/" + id);
    assertThat(Instant.parse(receipt.get("purgeAt").asString())).isAfter(Instant.now().plus(Duration.ofHours(23)));
    assertThat(SUBMITTED.leaksIn(created.body())).isEmpty();

    Api.Reply status = api.get("/submissions/" + id);
    assertThat(status.status()).isEqualTo(200);
    JsonNode s = status.json();
    assertThat(s.get("viewsLeft").asInt()).isEqualTo(1);
    assertThat(s.get("preview").get("pan").asString()).endsWith("5556").doesNotContain("0566");
    assertThat(s.get("preview").has("cvc")).isTrue();
    assertThat(SUBMITTED.leaksIn(status.body())).isEmpty();

    Api.Reply revealed = api.reveal(id, "op-7");
    assertThat(revealed.status()).as(revealed.body()).isEqualTo(200);
    assertThat(revealed.header("Cache-Control")).isEqualTo("no-store");
    JsonNode values = revealed.json().get("values");
    assertThat(values.get("name").asString()).isEqualTo(NAME);
    assertThat(values.get("pan").asString().replace(" ", "")).isEqualTo(PAN_DIGITS);
    assertThat(values.get("cvc").asString()).isEqualTo(CVC);
    assertThat(revealed.json().get("viewsLeft").asInt()).isZero();

    Api.Reply again = api.reveal(id, "op-7");
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().get("detail").asString()).isEqualTo("nothing to reveal");
    assertThat(api.get("/submissions/" + id).status()).isEqualTo(404);

    assertThat(log.getAll()).contains("of form 'card-payment' stored"); // the capture sees the DEBUG lines
    assertThat(SUBMITTED.leaksIn(log.getAll())).isEmpty();
  }

  @Test
  void invalidInput_is422_namingFieldAndRule_withoutTheValue(CapturedOutput log) {
    Map<String, String> values = card(BAD_PAN);
    values.put("exp", "13/39");
    Api.Reply r = api.post("/conversations/" + conversation + "/forms/card-payment", values);

    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    JsonNode violations = r.json().get("violations");
    assertThat(violations).hasSize(2);
    assertThat(violations.get(0).get("field").asString()).isEqualTo("pan");
    assertThat(violations.get(0).get("rule").asString()).isEqualTo("luhn");
    assertThat(violations.get(1).get("field").asString()).isEqualTo("exp");
    assertThat(r.json().get("detail").asString()).isEqualTo("form 'card-payment' rejected 2 values");
    assertThat(SUBMITTED.leaksIn(r.body())).isEmpty();
    assertThat(r.body()).doesNotContain("13/39");
    assertThat(SUBMITTED.leaksIn(log.getAll())).isEmpty();
  }

  @Test
  void conversationEnd_cardCodeGoneFromStatus_andFromTheReveal() {
    String id = submitCard();

    Api.Reply ended = api.end(conversation);
    assertThat(ended.status()).isEqualTo(200);
    assertThat(ended.json().get("submissionsUpdated").asInt()).isEqualTo(1);

    JsonNode s = api.get("/submissions/" + id).json();
    assertThat(s.get("preview").has("cvc")).isFalse();
    assertThat(s.get("preview").has("pan")).isTrue();
    Instant endedAt = Instant.parse(s.get("conversationEndedAt").asString());
    assertThat(Instant.parse(s.get("purgeAt").asString())).isEqualTo(endedAt.plus(Duration.ofHours(1)));

    JsonNode values = api.reveal(id, "op-9").json().get("values");
    assertThat(values.has("cvc")).isFalse();
    assertThat(values.get("name").asString()).isEqualTo(NAME);
  }

  @Test
  void submitAfterEnd_ofFormKeepingNothingPastTheEnd_is409_andStoresNothing() {
    assertThat(api.end(conversation).status()).isEqualTo(200);

    Api.Reply r = api.post("/conversations/" + conversation + "/forms/card-code-check", Map.of("cvc", CVC));
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().get("detail").asString()).contains("keeps nothing past its end");
    assertThat(SUBMITTED.leaksIn(r.body())).isEmpty();

    // The card form keeps an hour past the end: stored, without the card code, which is due at the end.
    Api.Reply card = api.post("/conversations/" + conversation + "/forms/card-payment", card(PAN));
    assertThat(card.status()).isEqualTo(201);
    assertThat(api.get("/submissions/" + card.json().get("id").asString()).json().get("preview").has("cvc")).isFalse();
  }

  @Test
  void reveal_byOperatorNotAllowed_is403_andConsumesNothing() {
    String id = submitCard();

    Api.Reply denied = api.reveal(id, "op-intruder");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(SUBMITTED.leaksIn(denied.body())).isEmpty();
    assertThat(api.get("/submissions/" + id).json().get("viewsLeft").asInt()).isEqualTo(1);
    assertThat(api.reveal(id, "op-7").status()).isEqualTo(200);
  }

  @Test
  void reveal_withoutOperator_orMalformedIds_is400() {
    String id = submitCard();
    Api.Reply blank = api.reveal(id, " "); // HTTP trims header values: the library sees ""
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.json().get("detail").asString()).isEqualTo("operatorId must have 1 to 128 characters, got 0");
    Api.Reply missing = api.post("/submissions/" + id + "/reveal", "");
    assertThat(missing.status()).isEqualTo(400);

    Api.Reply badId = api.get("/submissions/not-an-id");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.json().get("detail").asString()).isEqualTo("invalid submission id 'not-an-id': must be 22 characters, got 9");
    assertThat(api.get("/submissions/" + id).json().get("viewsLeft").asInt()).isEqualTo(1);
  }

  @Test
  void unknownForm_is404() {
    Api.Reply r = api.post("/conversations/" + conversation + "/forms/no-such-form", card(PAN));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("detail").asString()).isEqualTo("no form 'no-such-form'");
  }

  @Test
  void malformedJson_is400_withoutEchoingTheBody(CapturedOutput log) {
    Api.Reply r = api.post("/conversations/" + conversation + "/forms/card-payment",
        "{\"name\": \"" + NAME + "\", \"pan\": " + PAN_DIGITS + "x}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("detail").asString())
        .isEqualTo("the body must be a JSON object of field names to string values");
    assertThat(SUBMITTED.leaksIn(r.body())).isEmpty();
    assertThat(SUBMITTED.leaksIn(log.getAll())).isEmpty();
  }
}
