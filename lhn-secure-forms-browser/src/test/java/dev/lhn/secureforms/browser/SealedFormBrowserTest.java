package dev.lhn.secureforms.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.sealed.FormRequest;
import dev.lhn.secureforms.sealed.SealedSubmissionException;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser module in Debian's headless Chromium: a visitor fills the card form by keyboard only; the
 * request body the server receives holds none of the values (plain, hex or base64); the operator reveals
 * them once; the captured body replayed is refused; axe-core finds no violation in the empty, error and
 * sent states. The time to seal in the browser is printed, never asserted.
 */
class SealedFormBrowserTest {
  private static final String CONVERSATION = "conversation-browser-1";

  @TempDir
  static Path tempDir;
  static ChromeDriverService service;
  static WebDriver driver;
  static WebDriverWait wait;

  private HttpServer server;
  private SecureForms forms;
  private FormSchema card;
  private FormRequest request;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<SubmissionReceipt> receipts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startBrowser() {
    Tools.require(java.nio.file.Files.isExecutable(Tools.CHROMIUM) && java.nio.file.Files.isExecutable(Tools.CHROMEDRIVER),
        "SealedFormBrowserTest: no Chromium at " + Tools.CHROMIUM + " or no chromedriver at " + Tools.CHROMEDRIVER
            + " (Debian: apt-get install chromium chromium-driver)");
    service = new ChromeDriverService.Builder().usingDriverExecutable(Tools.CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(Tools.CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1000,1200", "--user-data-dir=" + tempDir.resolve("chromium"));
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  @AfterAll
  static void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @BeforeEach
  void startServer() throws IOException {
    forms = SecureForms.builder().keyEncryptionKey(TestKeys.freshKek()).store(SubmissionStore.inMemory())
        .retentionScheduler(RetentionScheduler.disabled()).build();
    card = Forms.card();
    request = forms.requestForm(card, CONVERSATION);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> send(ex, "text/html; charset=utf-8", page().getBytes(StandardCharsets.UTF_8)));
    server.createContext("/secure-form.js", ex -> send(ex, BrowserBundle.MEDIA_TYPE, BrowserBundle.bytes()));
    server.createContext("/axe.min.js", ex -> {
      try (InputStream in = getClass().getResourceAsStream("/axe/axe.min.js")) {
        send(ex, "text/javascript", in.readAllBytes());
      }
    });
    server.createContext("/submit", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      bodies.add(body);
      String answer;
      try {
        receipts.add(forms.submitSealed(card, CONVERSATION, body));
        answer = "{\"ok\":true}";
      } catch (InvalidSubmissionException | SealedSubmissionException e) {
        answer = "{\"ok\":false}";
      }
      send(ex, "application/json", answer.getBytes(StandardCharsets.UTF_8));
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    forms.close();
  }

  private String page() {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Card payment</title>"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body><main>"
        + "<h1>Chat with support</h1><div id=\"form\"></div></main>"
        + "<script type=\"module\">import {renderForm, STYLE} from '/secure-form.js';"
        + "const s = document.createElement('style'); s.textContent = STYLE; document.head.append(s);"
        + "window.lsf = renderForm(document.getElementById('form'), {schema: " + card.toJson() + ", request: "
        + request.toJson() + ", retention: 'Kept encrypted until the operator has read it once, at most 24 hours;"
        + " the card code is deleted when the chat ends.', submit: async (payload) => (await fetch('/submit',"
        + " {method: 'POST', headers: {'content-type': 'application/json'}, body: payload})).json()});"
        + "window.lsfReady = true;</script></body></html>";
  }

  private static void send(HttpExchange ex, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("content-type", type);
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private void open() {
    driver.get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.lsfReady === true")));
  }

  @SuppressWarnings("unchecked")
  private List<String> axeViolations() {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
      js.executeAsyncScript("const done = arguments[arguments.length - 1]; const s = document.createElement('script');"
          + " s.src = '/axe.min.js'; s.onload = () => done(true); document.head.append(s);");
    }
    Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
        + ".catch(e => done(['axe failed: ' + e]));");
    return new ArrayList<>((List<String>) result);
  }

  private static final Map<String, String> TYPED = Map.of(
      "name", "Jane Q. Public", "pan", "4242 4242 4242 4242", "exp", "12/39", "cvc", "123", "postal", "94105");

  @Test
  void keyboardOnly_sealedInTheBrowser_bodyHoldsNoValue_revealedOnce_replayRefused() {
    open();
    assertEquals(List.of(), axeViolations(), "axe-core, empty state");
    // keyboard only: Tab from the top of the page into each field, type, Enter on the button
    Actions keys = new Actions(driver);
    keys.sendKeys(Keys.TAB).perform();
    for (String field : List.of("name", "pan", "exp", "cvc", "postal", "email")) {
      WebElement focused = driver.switchTo().activeElement();
      assertEquals("lsf-f-" + field, focused.getAttribute("id"), "Tab order reaches " + field);
      String value = field.equals("email") ? "jane@example.com" : TYPED.get(field);
      keys.sendKeys(value).sendKeys(Keys.TAB).perform();
    }
    WebElement focused = driver.switchTo().activeElement();
    assertEquals("Send securely", focused.getText());
    keys.sendKeys(Keys.ENTER).perform();
    wait.until(d -> d.findElement(By.id("lsf-status")).getText().startsWith("Sent."));
    assertEquals(List.of(), axeViolations(), "axe-core, sent state");

    assertEquals(1, bodies.size());
    String body = bodies.get(0);
    for (String value : List.of("Jane Q. Public", "4242 4242 4242 4242", "4242424242424242", "12/39", "94105",
        "jane@example.com")) {
      for (String form : encodings(value)) {
        assertFalse(body.contains(form), "the request body holds a value (as " + form.length() + " chars)");
      }
    }
    assertFalse(body.contains("\"cvc\":\"123\""), "the card code is not in the body");
    Object sealMillis = ((JavascriptExecutor) driver).executeScript("return window.lsf.sealMillis");
    System.out.println("FIGURE time to seal in Chromium: " + sealMillis + " ms (first seal, one run; not asserted)");

    try (RevealedSubmission r = forms.reveal(receipts.get(0).id(), Viewer.of("operator-7")).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"));
      assertEquals("Jane Q. Public", r.value("name"));
      assertEquals("123", r.value("cvc"));
    }
    assertTrue(forms.reveal(receipts.get(0).id(), Viewer.of("operator-7")).isEmpty(), "revealed once");

    assertEquals(SealedSubmissionException.Reason.REPLAYED, assertThrows(SealedSubmissionException.class,
        () -> forms.submitSealed(card, CONVERSATION, body)).reason());
    assertEquals(SealedSubmissionException.Reason.WRONG_CONVERSATION, assertThrows(SealedSubmissionException.class,
        () -> forms.submitSealed(card, "conversation-browser-2", body)).reason());
    assertEquals(0, forms.submissions(CONVERSATION).size() + forms.submissions("conversation-browser-2").size(),
        "nothing stored by the replays");
  }

  @Test
  void errorState_plainWords_summaryAndFieldsTied_noAxeViolation() {
    open();
    driver.findElement(By.id("lsf-f-pan")).sendKeys("4242 4242 4242 4241");
    driver.findElement(By.id("lsf-f-cvc")).sendKeys("12");
    driver.findElement(By.cssSelector("button.lsf-submit")).click();
    wait.until(d -> !d.findElement(By.id("lsf-summary")).getText().isEmpty());
    WebElement pan = driver.findElement(By.id("lsf-f-pan"));
    assertEquals("true", pan.getAttribute("aria-invalid"));
    assertTrue(pan.getAttribute("aria-describedby").contains("lsf-f-pan-error"));
    String summary = driver.findElement(By.id("lsf-summary")).getText();
    assertTrue(summary.contains("This card number is not valid. Check it for typos."), summary);
    assertFalse(summary.contains("luhn"), "plain words, not rule codes");
    assertEquals("lsf-summary", driver.switchTo().activeElement().getAttribute("id"), "focus moves to the summary");
    assertEquals("cc-number", pan.getAttribute("autocomplete"));
    assertEquals("numeric", pan.getAttribute("inputmode"));
    assertEquals("cc-csc", driver.findElement(By.id("lsf-f-cvc")).getAttribute("autocomplete"));
    assertEquals("cc-exp", driver.findElement(By.id("lsf-f-exp")).getAttribute("autocomplete"));
    assertEquals("postal-code", driver.findElement(By.id("lsf-f-postal")).getAttribute("autocomplete"));
    assertEquals(List.of(), axeViolations(), "axe-core, error state");
    assertEquals(List.of(), bodies, "nothing was sent");
  }

  @Test
  void rejectedByTheServer_onlySensitiveFieldsCleared() {
    open();
    forms.submitSealed(card, CONVERSATION, dev.lhn.secureforms.sealed.SealedPayload.seal(request, Forms.cardValues()));
    for (Map.Entry<String, String> e : TYPED.entrySet()) {
      driver.findElement(By.id("lsf-f-" + e.getKey())).sendKeys(e.getValue());
    }
    driver.findElement(By.cssSelector("button.lsf-submit")).click();
    wait.until(d -> d.findElement(By.id("lsf-status")).getText().startsWith("Your details could not be sent"));
    assertEquals("", driver.findElement(By.id("lsf-f-pan")).getAttribute("value"));
    assertEquals("", driver.findElement(By.id("lsf-f-cvc")).getAttribute("value"));
    assertEquals("Jane Q. Public", driver.findElement(By.id("lsf-f-name")).getAttribute("value"));
    assertEquals("94105", driver.findElement(By.id("lsf-f-postal")).getAttribute("value"));
  }

  private static List<String> encodings(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return List.of(value, HexFormat.of().formatHex(b), HexFormat.of().withUpperCase().formatHex(b),
        Base64.getEncoder().encodeToString(b).replace("=", ""), Base64.getUrlEncoder().withoutPadding().encodeToString(b));
  }
}
