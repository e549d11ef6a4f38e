package dev.lhn.secureforms.examples.chatdesk;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.SubmissionStatus;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.FormRequest;
import dev.lhn.secureforms.sealed.SealedPayload;
import dev.lhn.secureforms.sealed.SealedSubmissionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat desk over plain HTTP: what a GET may do, CSRF, headers, escaping, purge, logs; the sealed endpoint
 * with {@link SealedPayload#seal} as the client (#13); and the no-JavaScript fallback's plain form post.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatDeskServerTest {
  @TempDir
  static Path tempDir;
  static ChatDeskFixture fx;

  @BeforeAll
  static void start() {
    fx = new ChatDeskFixture(tempDir, "chatdesk-server-test");
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void get_neverConsumesAView() {
    WebClient browser = new WebClient(fx.server.uri());
    SubmissionReceipt card = fx.submitCard(browser);
    String id = card.id().toString();

    HttpResponse<String> get = browser.get("/operator/reveal?submission=" + id);
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    HttpResponse<String> console = browser.get("/operator");
    assertEquals(200, console.statusCode());
    assertTrue(console.body().contains("Visa ****4242"), "the console shows the masked preview");
    assertFalse(console.body().contains("4242 4242 4242 4242"), "the console never shows the number");
    assertEquals(1, fx.status(card).viewsLeft(), "nothing consumed by GETs");

    HttpResponse<String> reveal = browser.post("/operator/reveal", Map.of("csrf", browser.csrf(), "submission", id));
    assertEquals(200, reveal.statusCode());
    assertTrue(reveal.body().contains("4242 4242 4242 4242"));
    assertTrue(reveal.body().contains("This was the last allowed view"));
  }

  @Test
  void cardNumberTypedIntoTheChat_isNeverStoredOrShown_theVisitorSeesWhy_andTheOperatorCanSendTheForm() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    String say = "/chat/" + cid + "/messages";
    assertEquals(303, browser.post(say, Map.of("csrf", browser.csrf(), "text", "my card is 4111 1111")).statusCode());
    assertEquals(303, browser.post(say, Map.of("csrf", browser.csrf(), "text", "1111 1111 exp 09/27")).statusCode());
    assertEquals(303, browser.post(say, Map.of("csrf", browser.csrf(), "text", "and my SSN is 123-45-6789")).statusCode());

    String transcript = fx.server.desk().find(cid).orElseThrow().entries().toString();
    String visitor = browser.get("/chat/" + cid).body();
    String operator = browser.get("/operator").body();
    for (String page : List.of(transcript, visitor, operator)) {
      for (String part : List.of("4111", "1111 1111", "09/27", "123-45-6789", "6789")) {
        assertFalse(page.contains(part), () -> "the chat kept " + part);
      }
    }
    assertTrue(visitor.contains("my card is [card number]"), visitor);
    assertTrue(visitor.contains("[card ending 1111] exp [expiry]"), visitor);
    assertTrue(visitor.contains("and my SSN is [SSN]"), visitor);
    assertTrue(visitor.contains("chat messages are not encrypted"), "the visitor is told why");
    assertTrue(operator.contains("id=\"offer-card-payment-" + cid + "\""), "one click sends the card form");
    assertTrue(operator.contains("they were removed from the transcript"));

    HttpResponse<String> offer = browser.post("/operator/conversations/" + cid + "/requests",
        Map.of("csrf", browser.csrf(), "form", "card-payment"));
    assertEquals(303, offer.statusCode());
    assertTrue(fx.server.desk().find(cid).orElseThrow().entries().stream()
        .anyMatch(e -> e instanceof FormRequest r && r.formId().equals("card-payment")));
  }

  @Test
  void secondReveal_isGone() {
    WebClient browser = new WebClient(fx.server.uri());
    SubmissionReceipt card = fx.submitCard(browser);
    Map<String, String> form = Map.of("csrf", browser.csrf(), "submission", card.id().toString());

    assertEquals(200, browser.post("/operator/reveal", form).statusCode());
    HttpResponse<String> again = browser.post("/operator/reveal", form);
    assertEquals(410, again.statusCode());
    assertTrue(again.body().contains("Nothing to reveal"));
    assertTrue(again.body().contains("revealed by "), "the journal says who took the view: " + again.body());
    assertFalse(again.body().contains("4242 4242"));
    assertTrue(fx.server.forms().status(card.id()).isEmpty());
  }

  @Test
  void reveal_withoutOrWithWrongCsrfToken_isForbidden_andConsumesNothing() {
    WebClient browser = new WebClient(fx.server.uri());
    SubmissionReceipt card = fx.submitCard(browser);
    String id = card.id().toString();
    String token = browser.csrf();
    String wrong = (token.charAt(0) == 'A' ? "B" : "A") + token.substring(1);
    int events = fx.server.events().size();

    HttpResponse<String> none = browser.post("/operator/reveal", Map.of("submission", id));
    HttpResponse<String> bad = browser.post("/operator/reveal", Map.of("csrf", wrong, "submission", id));
    HttpResponse<String> empty = browser.post("/operator/reveal", Map.of("csrf", "", "submission", id));
    // A page on another site that somehow learned the token: the session cookie is not sent (SameSite), and
    // the Origin header gives it away.
    HttpResponse<String> otherBrowser = new WebClient(fx.server.uri())
        .post("/operator/reveal", Map.of("csrf", token, "submission", id));
    HttpResponse<String> crossOrigin = browser.post("/operator/reveal", Map.of("csrf", token, "submission", id),
        "http://evil.example");

    assertAll(
        () -> assertEquals(403, none.statusCode()),
        () -> assertEquals(403, bad.statusCode()),
        () -> assertEquals(403, empty.statusCode()),
        () -> assertEquals(403, otherBrowser.statusCode()),
        () -> assertEquals(403, crossOrigin.statusCode()),
        () -> assertTrue(bad.body().contains("CSRF token")),
        () -> assertFalse(bad.body().contains("4242 4242")),
        () -> assertEquals(1, fx.status(card).viewsLeft(), "nothing consumed"),
        () -> assertEquals(events, fx.server.events().size(), "no event: nothing happened"));
  }

  @Test
  void revealedPage_hasSecurityHeaders() {
    WebClient browser = new WebClient(fx.server.uri());
    SubmissionReceipt card = fx.submitCard(browser);

    HttpResponse<String> r = browser.post("/operator/reveal",
        Map.of("csrf", browser.csrf(), "submission", card.id().toString()));

    assertEquals(200, r.statusCode());
    var h = r.headers();
    assertAll(
        () -> assertEquals("no-store", h.firstValue("Cache-Control").orElse("")),
        () -> assertEquals("default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'", h.firstValue("Content-Security-Policy").orElse("")),
        () -> assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse("")),
        () -> assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse("")),
        () -> assertEquals("DENY", h.firstValue("X-Frame-Options").orElse("")),
        () -> assertEquals("text/html; charset=utf-8", h.firstValue("Content-Type").orElse("")));
  }

  @Test
  void sessionCookie_isHttpOnlyAndSameSiteStrict() {
    HttpResponse<String> home = new WebClient(fx.server.uri()).get("/");
    String cookie = home.headers().firstValue("Set-Cookie").orElse("");
    assertTrue(cookie.startsWith(Sessions.COOKIE + "="), cookie);
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
  }

  @Test
  void revealedPage_escapesValues() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest request = fx.requestForm(browser, cid, "hipaa-intake");
    Map<String, String> values = ChatDeskFixture.intake("<script>alert('x')</script> & \"more\"");
    values.put("name", "Grace Hopper\"><b>bold</b>");
    SubmissionReceipt intake = fx.submit(browser, cid, request, values);

    HttpResponse<String> r = browser.post("/operator/reveal",
        Map.of("csrf", browser.csrf(), "submission", intake.id().toString()));

    assertEquals(200, r.statusCode());
    String body = r.body();
    assertAll(
        () -> assertTrue(body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"), body),
        () -> assertTrue(body.contains("Grace Hopper&quot;&gt;&lt;b&gt;bold&lt;/b&gt;")),
        () -> assertFalse(body.contains("<script"), "no script element"),
        () -> assertFalse(body.contains("<b>bold")),
        () -> assertTrue(body.contains("1 view left")));
  }

  @Test
  void invalidSubmission_showsErrorsPerField_withoutEchoingValues() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest request = fx.requestForm(browser, cid, "card-payment");
    Map<String, String> form = new LinkedHashMap<>(fx.card(ChatDeskFixture.MISTYPED_PAN));
    form.put("exp", "01/20");
    form.put("csrf", browser.csrf());

    HttpResponse<String> r = browser.post("/chat/" + cid + "/forms/" + request.id(), form);

    String body = r.body();
    String rid = request.id();
    assertAll(
        () -> assertEquals(422, r.statusCode()),
        () -> assertTrue(body.contains("id=\"err-" + rid + "-pan\""), "an error under the card number"),
        () -> assertTrue(body.contains("[luhn]"), "the rule is named"),
        () -> assertTrue(body.contains("[expired]"), "the rule is named"),
        () -> assertTrue(body.contains("id=\"err-" + rid + "-exp\""), "an error under the expiry"),
        () -> assertFalse(body.contains("err-" + rid + "-name"), "no error where the value was fine"),
        () -> assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(body),
            "neither the rejected number nor the valid sensitive values are echoed"),
        () -> assertTrue(fx.server.desk().find(cid).orElseThrow().receipts().isEmpty(), "nothing stored"));
  }

  @Test
  void invalidSubmission_keepsOnlyUnclassifiedValues() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest request = fx.requestForm(browser, cid, "hipaa-intake");
    Map<String, String> form = new LinkedHashMap<>(ChatDeskFixture.intake("Sore throat"));
    form.put("birthDate", "2999-01-01");
    form.put("csrf", browser.csrf());

    HttpResponse<String> r = browser.post("/chat/" + cid + "/forms/" + request.id(), form);

    assertEquals(422, r.statusCode());
    assertTrue(r.body().contains("value=\"Follow-up\" selected"), "the visit type (classification NONE) is kept");
    assertTrue(r.body().contains("[future]"), "the rule is named");
    assertFalse(r.body().contains("Sore throat"));
    assertFalse(r.body().contains("XJH-4471-0093"));
  }

  @Test
  void endConversation_thenPurge_removesTheRow() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    SubmissionReceipt intake = fx.submit(browser, cid, fx.requestForm(browser, cid, "hipaa-intake"),
        ChatDeskFixture.intake("Sore throat"));
    String csrf = browser.csrf();

    assertEquals(303, browser.post("/operator/conversations/" + cid + "/end", Map.of("csrf", csrf)).statusCode());
    SubmissionStatus ended = fx.status(intake);
    assertEquals(fx.clock.instant().plus(Duration.ofHours(1)), ended.purgeAt(), "one hour after the end");
    assertTrue(fx.server.store().find(intake.id(), intake.submittedAt()).isPresent(), "the row is still there");

    fx.clock.advance(Duration.ofHours(1));
    assertTrue(fx.server.forms().status(intake.id()).isEmpty(), "due: never shown, even before the purge");
    HttpResponse<String> purge = browser.post("/operator/purge-due", Map.of("csrf", csrf));

    assertEquals(303, purge.statusCode());
    assertTrue(purge.headers().firstValue("Location").orElse("").startsWith("/operator?purged="));
    assertTrue(fx.server.store().find(intake.id(), intake.submittedAt()).isEmpty(), "the row is gone");
    assertTrue(browser.get("/operator").body().contains("id=\"sub-" + intake.id() + "\" data-state=\"gone\""));
  }

  @Test
  void events_areJsonMetadata() {
    WebClient browser = new WebClient(fx.server.uri());
    fx.submitCard(browser);

    HttpResponse<String> r = browser.get("/events");

    assertEquals(200, r.statusCode());
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.body().startsWith("[") && r.body().contains("\"type\":\"submitted\""), r.body());
    assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(r.body()), "events never carry a value");
  }

  // ------------------------------------------------------------------ the sealed endpoint (#13)

  /** What the visitor must never read: the library's reason names, rule codes, brackets of a code. */
  private static void assertPlainWords(HttpResponse<String> r) {
    assertEquals("application/json; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(r.body().startsWith("{\"ok\":false,\"message\":\""), r.body());
    for (SealedSubmissionException.Reason reason : SealedSubmissionException.Reason.values()) {
      assertFalse(r.body().contains(reason.name()), r.body());
    }
    assertFalse(r.body().contains("["), r.body());
    assertFalse(r.body().toLowerCase(java.util.Locale.ROOT).contains("luhn"), r.body());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
  }

  private static int submittedEvents() {
    return (int) fx.server.events().stream().filter(e -> e.contains("\"type\":\"submitted\"")).count();
  }

  @Test
  void sealedSubmit_storesOnce_theOperatorSeesTheMaskedPreview_andRevealsOnce() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest request = fx.requestForm(browser, cid, "card-payment");
    String body = SealedPayload.seal(request.sealed(), fx.card("4242 4242 4242 4242"));
    assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(body), "the sealed body holds no value");

    HttpResponse<String> r = fx.postSealed(browser, cid, request.id(), body);

    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("{\"ok\":true"), r.body());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    SubmissionReceipt receipt = request.receipt();
    assertEquals(List.of(receipt), fx.server.desk().find(cid).orElseThrow().receipts());
    String console = browser.get("/operator").body();
    assertTrue(console.contains("Visa ****4242"), "the console is unchanged: the masked preview");
    assertTrue(browser.get("/chat/" + cid).body().contains("id=\"sent-" + request.id() + "\""));
    HttpResponse<String> reveal = browser.post("/operator/reveal",
        Map.of("csrf", browser.csrf(), "submission", receipt.id().toString()));
    assertTrue(reveal.body().contains("4242 4242 4242 4242"));
    assertEquals(410, browser.post("/operator/reveal",
        Map.of("csrf", browser.csrf(), "submission", receipt.id().toString())).statusCode());
  }

  @Test
  void sealedPayloadOfAPendingRequest_postedToAnotherRequest_isRefused_andStillAnswersItsOwn() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest first = fx.requestForm(browser, cid, "card-payment");
    FormRequest second = fx.requestForm(browser, cid, "card-payment");
    String payload = SealedPayload.seal(first.sealed(), fx.card("4242 4242 4242 4242"));
    HttpResponse<String> wrong = fx.postSealed(browser, cid, second.id(), payload);
    assertAll(
        () -> assertEquals(409, wrong.statusCode(), wrong.body()),
        () -> assertTrue(wrong.body().contains("filled in for another form in this chat"), wrong.body()),
        () -> assertPlainWords(wrong),
        () -> assertEquals(0, fx.server.forms().submissions(cid).size(), "nothing stored as the second request"));
    assertEquals(200, fx.postSealed(browser, cid, first.id(), payload).statusCode(), "nothing consumed");
    assertEquals(1, fx.server.forms().submissions(cid).size());
  }

  @Test
  void sealedReplay_sameRequest_newRequestOfTheSameConversation_otherConversation_refusedInPlainWords_nothingStored() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest first = fx.requestForm(browser, cid, "card-payment");
    String captured = SealedPayload.seal(first.sealed(), fx.card("4242 4242 4242 4242"));
    assertEquals(200, fx.postSealed(browser, cid, first.id(), captured).statusCode());
    FormRequest second = fx.requestForm(browser, cid, "card-payment");
    String other = fx.startConversation(browser);
    FormRequest elsewhere = fx.requestForm(browser, other, "card-payment");
    int submitted = submittedEvents();

    HttpResponse<String> sameRequest = fx.postSealed(browser, cid, first.id(), captured);
    HttpResponse<String> sameConversation = fx.postSealed(browser, cid, second.id(), captured);
    HttpResponse<String> otherConversation = fx.postSealed(browser, other, elsewhere.id(), captured);

    assertAll(
        () -> assertEquals(409, sameRequest.statusCode()),
        () -> assertTrue(sameRequest.body().contains("already sent"), sameRequest.body()),
        () -> assertPlainWords(sameRequest),
        () -> assertEquals(409, sameConversation.statusCode(), "the library's WRONG_REQUEST"),
        () -> assertTrue(sameConversation.body().contains("filled in for another form in this chat"),
            sameConversation.body()),
        () -> assertPlainWords(sameConversation),
        () -> assertEquals(409, otherConversation.statusCode(), "the library's WRONG_CONVERSATION"),
        () -> assertTrue(otherConversation.body().contains("not sent to this chat"), otherConversation.body()),
        () -> assertPlainWords(otherConversation),
        () -> assertEquals(1, fx.server.desk().find(cid).orElseThrow().receipts().size(), "nothing more stored"),
        () -> assertEquals(1, fx.server.forms().submissions(cid).size(), "nothing more stored"),
        () -> assertTrue(fx.server.desk().find(other).orElseThrow().receipts().isEmpty(), "nothing stored"),
        () -> assertEquals(0, fx.server.forms().submissions(other).size(), "nothing stored"),
        () -> assertEquals(submitted, submittedEvents(), "no submitted event"),
        () -> assertTrue(second.receipt() == null && elsewhere.receipt() == null, "both still pending"));
    // the refused requests stay usable: the visitor's own sealed body still goes in
    assertEquals(200, fx.postSealed(browser, other, elsewhere.id(),
        SealedPayload.seal(elsewhere.sealed(), fx.card("4242 4242 4242 4242"))).statusCode());
  }

  @Test
  void sealedSubmit_tamperedMalformedInvalidOrWithoutCsrf_isRefused_nothingStored_invalidConsumesNothing() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest request = fx.requestForm(browser, cid, "card-payment");
    String good = SealedPayload.seal(request.sealed(), fx.card("4242 4242 4242 4242"));
    String path = "/chat/" + cid + "/forms/" + request.id() + "/sealed";
    int ct = good.indexOf("\"ct\":\"") + 6;
    String tampered = good.substring(0, ct) + (good.charAt(ct) == 'A' ? 'B' : 'A') + good.substring(ct + 1);

    HttpResponse<String> malformed = fx.postSealed(browser, cid, request.id(), "{\"v\":1,\"token\":");
    HttpResponse<String> altered = fx.postSealed(browser, cid, request.id(), tampered);
    HttpResponse<String> invalid = fx.postSealed(browser, cid, request.id(),
        SealedPayload.seal(request.sealed(), fx.card(ChatDeskFixture.MISTYPED_PAN)));
    HttpResponse<String> noCsrf = browser.postJson(path, good, null);
    HttpResponse<String> otherSession = new WebClient(fx.server.uri()).postJson(path, good, browser.csrf());
    HttpResponse<String> formEncoded = browser.post(path, Map.of("csrf", browser.csrf(), "body", good));

    assertAll(
        () -> assertEquals(400, malformed.statusCode()),
        () -> assertPlainWords(malformed),
        () -> assertEquals(400, altered.statusCode()),
        () -> assertPlainWords(altered),
        () -> assertEquals(422, invalid.statusCode()),
        () -> assertPlainWords(invalid),
        () -> assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(invalid.body()), "no value echoed"),
        () -> assertEquals(403, noCsrf.statusCode()),
        () -> assertPlainWords(noCsrf),
        () -> assertEquals(403, otherSession.statusCode()),
        () -> assertEquals(415, formEncoded.statusCode()),
        () -> assertPlainWords(formEncoded),
        () -> assertTrue(fx.server.desk().find(cid).orElseThrow().receipts().isEmpty(), "nothing stored"),
        () -> assertEquals(0, fx.server.forms().submissions(cid).size(), "nothing stored"));
    // none of these consumed the request: the right values, sealed again, go in once
    assertEquals(200, fx.postSealed(browser, cid, request.id(), good).statusCode());
    try (RevealedSubmission r = fx.server.forms().reveal(request.receipt().id(), Viewer.of("operator-1")).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"));
    }
  }

  @Test
  void visitorPage_runsOnlyScriptsFromThisOrigin_otherPagesNone_andCarriesTheSealedForm() {
    WebClient browser = new WebClient(fx.server.uri());
    String cid = fx.startConversation(browser);
    FormRequest request = fx.requestForm(browser, cid, "card-payment");

    HttpResponse<String> page = browser.get("/chat/" + cid);
    HttpResponse<String> module = browser.get(ChatDeskServer.BROWSER_MODULE_PATH);
    HttpResponse<String> glue = browser.get("/static/sealed-visitor.js");
    HttpResponse<String> console = browser.get("/operator");

    String body = page.body();
    assertAll(
        () -> assertEquals(ChatDeskServer.VISITOR_CONTENT_SECURITY_POLICY,
            page.headers().firstValue("Content-Security-Policy").orElse("")),
        () -> assertEquals("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'", ChatDeskServer.VISITOR_CONTENT_SECURITY_POLICY),
        () -> assertEquals(ChatDeskServer.CONTENT_SECURITY_POLICY,
            console.headers().firstValue("Content-Security-Policy").orElse(""), "the console runs no script"),
        () -> assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse("")),
        () -> assertTrue(body.contains("<script type=\"module\" src=\"/static/sealed-visitor.js\"></script>")),
        () -> assertEquals(1, body.split("<script", -1).length - 1, "one script element, no inline script"),
        () -> assertTrue(body.contains("id=\"sealed-" + request.id() + "\""), "the sealed form's container"),
        () -> assertTrue(body.contains("Kept encrypted until the operator has viewed it once, then deleted; in any"
            + " case deleted 1 hour after the conversation ends, and at the latest 24 hours after you send it. The"
            + " card code is deleted when the conversation ends."), "the retention promise, before sending"),
        () -> assertTrue(body.contains("<noscript><div class=\"fallback\">"), "the plain form only without JavaScript"),
        () -> assertTrue(body.contains("JavaScript is off, so this form is not encrypted in your browser."),
            "the fallback says what it is"),
        () -> assertEquals(200, module.statusCode()),
        () -> assertEquals("text/javascript; charset=utf-8", module.headers().firstValue("Content-Type").orElse("")),
        () -> assertTrue(module.body().contains("renderForm")),
        () -> assertEquals(200, glue.statusCode()),
        () -> assertTrue(glue.body().contains("from \"/lhn-secure-forms/secure-form.js\"")));
  }

  @Test
  void foreignHostHeader_isRefused() throws IOException {
    try (Socket s = new Socket("127.0.0.1", fx.server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /operator HTTP/1.1\r\nHost: attacker.example:" + fx.server.port()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 421"), response.lines().findFirst().orElse(""));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void logs_neverContainValues() {
    // Runs last: everything the tests above typed has gone through the server by now.
    String logs = fx.logs();
    assertTrue(logs.contains("POST /operator/reveal -> 200"), "the capture works");
    // leaksIn names the labels and the form found, never prints the log itself
    assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(logs), "a log line contains a value");
  }
}
