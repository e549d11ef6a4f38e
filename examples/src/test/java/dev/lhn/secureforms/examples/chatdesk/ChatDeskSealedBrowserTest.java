package dev.lhn.secureforms.examples.chatdesk;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Conversation;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.FormRequest;
import dev.lhn.secureforms.examples.chatdesk.ChatDeskFixture.Recorded;
import dev.lhn.secureforms.sealed.SealedSubmissionException;
import dev.lhn.secureforms.testing.Canaries;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat desk's visitor page seals in the browser (#13): Debian's headless Chromium, JavaScript on, the
 * desk's strict CSP. The visitor fills the card form by keyboard; every request body the server received
 * (recorded by the fixture's filter before the desk reads it) holds none of the values, plain, hex or base64
 * (standard and URL-safe); the operator sees the masked preview and reveals once, a second reveal shows
 * nothing; axe-core finds no violation on the visitor page in the empty, error and sent states; the captured
 * sealed body, replayed over HTTP into the same conversation and into another one, is refused in plain words
 * and stores nothing. Outside CI it is skipped, with a message, when Chromium or chromedriver is missing;
 * with {@code CI=true} it must run. Screenshots go to {@code target/screenshots/sealed-*.png}.
 */
class ChatDeskSealedBrowserTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.path", "/usr/bin/chromedriver"));
  private static final Path SCREENSHOTS = Path.of(System.getProperty("examples.screenshots", "target/screenshots"));
  /** axe-core 4.14.1, the browser module's test copy (the pom points at it). */
  private static final Path AXE = Path.of(System.getProperty("axe.js",
      "../lhn-secure-forms-browser/src/test/resources/axe/axe.min.js"));

  @TempDir
  static Path tempDir;
  static ChatDeskFixture fx;
  static ChromeDriverService service;
  static WebDriver driver;
  static WebDriverWait wait;

  @BeforeAll
  static void start() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER) || !Files.isReadable(AXE)) {
      String why = "ChatDeskSealedBrowserTest: no Chromium at " + CHROMIUM + ", no chromedriver at " + CHROMEDRIVER
          + " (Debian: apt-get install chromium chromium-driver) or no axe-core at " + AXE;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI=true requires the browser test to run");
      }
      System.out.println("SKIPPED " + why);
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    fx = new ChatDeskFixture(tempDir, "chatdesk-sealed-browser-test");
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,1400", "--user-data-dir=" + tempDir.resolve("chromium"));
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void visitorSealsByKeyboard_bodiesHoldNoValue_operatorRevealsOnce_axeClean_replaysRefused() {
    String expiry = fx.cardExpiry();
    // What the visitor types; the short ones are matched as whole tokens (see Canaries), the card number also
    // as typed with spaces and as digits, the mistyped one too.
    Canaries typed = new Canaries(Map.of(
        "pan", "4242424242424242",
        "pan as typed", "4242 4242 4242 4242",
        "mistyped pan", "4242424242424241",
        "mistyped pan as typed", ChatDeskFixture.MISTYPED_PAN,
        "expiry", expiry,
        "expiry normalised", expiry.substring(0, 3) + "20" + expiry.substring(3),
        "card code", "123",
        "name", "Ada Lovelace",
        "postal code", "94107",
        "email", "ada@example.com"));

    // The visitor starts a chat; the operator, in another tab, sends the card form.
    driver.get(fx.server.uri().toString());
    submit(driver.findElement(By.id("start-chat")));
    wait.until(ExpectedConditions.urlMatches("/chat/c-"));
    String visitor = driver.getWindowHandle();
    String cid = driver.getCurrentUrl().replaceAll(".*/chat/([A-Za-z0-9_-]+).*", "$1");
    driver.switchTo().newWindow(WindowType.TAB);
    String operator = driver.getWindowHandle();
    driver.get(fx.server.uri() + "operator");
    submit(driver.findElement(By.id("request-card-payment-" + cid)));

    // Empty state: the form the browser module rendered, with the retention promise before the button.
    driver.switchTo().window(visitor);
    driver.navigate().refresh();
    String rid = pendingRequest(cid).id();
    String p = "lsf-" + rid;
    wait.until(d -> "true".equals(d.findElement(By.id("sealed-" + rid)).getAttribute("data-lsf-ready")));
    String promise = driver.findElement(By.id(p + "-retention")).getText();
    assertTrue(promise.startsWith("Kept encrypted until the operator has viewed it once, then deleted"), promise);
    assertTrue(promise.contains("The card code is deleted when the conversation ends."), promise);
    assertTrue(driver.findElement(By.id(p + "-retention")).getLocation().getY()
        < driver.findElement(By.cssSelector("#sealed-" + rid + " button.lsf-submit")).getLocation().getY(),
        "the promise is shown above the button, before sending");
    assertTrue(driver.findElements(By.id("f-" + rid + "-pan")).isEmpty(), "no plain form with JavaScript on");
    shot("sealed-01-visitor-empty");
    assertEquals(List.of(), axeViolations(), "axe-core, empty state");
    int bodiesBefore = fx.received.size();

    // By keyboard: into the first field, type, Tab to the next; the card number mistyped; Enter sends.
    Actions keys = new Actions(driver);
    focus(p + "-f-name");
    for (String[] field : new String[][] {{"name", "Ada Lovelace"}, {"pan", ChatDeskFixture.MISTYPED_PAN},
        {"exp", expiry}, {"cvc", "123"}, {"postalCode", "94107"}, {"email", "ada@example.com"}}) {
      assertEquals(p + "-f-" + field[0], driver.switchTo().activeElement().getAttribute("id"),
          "Tab order reaches " + field[0]);
      keys.sendKeys(field[1]).perform();
      if (!field[0].equals("email")) {
        keys.sendKeys(Keys.TAB).perform();
      }
    }
    keys.sendKeys(Keys.ENTER).perform();

    // Error state: checked on the page, in plain words; nothing was sent.
    WebElement summary = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(p + "-summary")));
    assertTrue(summary.getText().contains("This card number is not valid. Check it for typos."), summary.getText());
    assertFalse(summary.getText().toLowerCase(java.util.Locale.ROOT).contains("luhn"), "no rule code");
    assertEquals("true", driver.findElement(By.id(p + "-f-pan")).getAttribute("aria-invalid"));
    assertEquals(p + "-summary", driver.switchTo().activeElement().getAttribute("id"), "focus on the summary");
    assertEquals(bodiesBefore, fx.received.size(), "an invalid form sends nothing");
    shot("sealed-02-visitor-error");
    assertEquals(List.of(), axeViolations(), "axe-core, error state");

    // From the summary, Tab to its link, Enter focuses the card number; retype it, Enter sends.
    keys.sendKeys(Keys.TAB).sendKeys(Keys.ENTER).perform();
    assertEquals(p + "-f-pan", driver.switchTo().activeElement().getAttribute("id"), "the link focuses the field");
    keys.keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL).sendKeys(Keys.BACK_SPACE)
        .sendKeys("4242 4242 4242 4242").sendKeys(Keys.ENTER).perform();

    // Sent state.
    WebElement status = wait.until(d -> {
      WebElement s = d.findElement(By.id(p + "-status"));
      return s.getText().startsWith("Sent securely") ? s : null;
    });
    assertEquals(p + "-status", driver.switchTo().activeElement().getAttribute("id"), "focus on the status");
    assertTrue(status.getText().contains("Only the operator can view it, once"), status.getText());
    shot("sealed-03-visitor-sent");
    assertEquals(List.of(), axeViolations(), "axe-core, sent state");

    // What the server received: one sealed JSON body, and no value in any body, in any encoding.
    List<Recorded> sealed = fx.received.stream().filter(r -> r.path().endsWith("/sealed")).toList();
    assertEquals(1, sealed.size(), "one sealed post: " + fx.received);
    Recorded post = sealed.get(0);
    assertEquals("/chat/" + cid + "/forms/" + rid + "/sealed", post.path());
    assertTrue(post.contentType().startsWith("application/json"), post.contentType());
    assertTrue(Pattern.matches("\\{\"v\":1,\"token\":\"[A-Za-z0-9_-]+\",\"kid\":\"[0-9]+-[0-9]+\",\"ct\":\"[A-Za-z0-9_-]+\"}",
        post.body()), "only the version, the token, the key id and the ciphertext");
    List<String> leaks = new ArrayList<>();
    for (Recorded r : fx.received) {
      typed.leaksIn(r.body()).forEach(l -> leaks.add(r + ": " + l));
    }
    assertEquals(List.of(), leaks, "a request body the server received holds a value");
    SubmissionReceipt receipt = pendingOrSent(cid, rid).receipt();
    assertTrue(receipt != null, "stored");

    // The operator's console, unchanged: the masked preview; reveal once; a second reveal shows nothing.
    driver.switchTo().window(operator);
    driver.navigate().refresh();
    WebElement row = driver.findElement(By.id("sub-" + receipt.id()));
    assertTrue(row.getText().contains("Visa ****4242"), row.getText());
    assertTrue(row.getText().contains("1 of 1"), row.getText());
    assertFalse(driver.getPageSource().contains("4242 4242 4242 4242"));
    driver.switchTo().newWindow(WindowType.TAB);
    String staleConsole = driver.getWindowHandle();
    driver.get(fx.server.uri() + "operator");
    driver.switchTo().window(operator);
    submit(driver.findElement(By.id("reveal-" + receipt.id())));
    assertEquals("4242 4242 4242 4242",
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("value-pan"))).getText());
    assertEquals("Ada Lovelace", driver.findElement(By.id("value-name")).getText());
    assertEquals(expiry.substring(0, 3) + "20" + expiry.substring(3), driver.findElement(By.id("value-exp")).getText(),
        "stored normalised, MM/YYYY");
    assertEquals("123", driver.findElement(By.id("value-cvc")).getText());
    shot("sealed-04-operator-revealed-once");
    driver.switchTo().window(staleConsole);
    submit(driver.findElement(By.id("reveal-" + receipt.id())));
    assertEquals("Nothing to reveal",
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("gone"))).getText());
    assertFalse(driver.getPageSource().contains("4242 4242 4242 4242"));
    assertEquals(List.of(), typed.leaksIn(driver.getPageSource()), "the second reveal shows nothing");
    shot("sealed-05-second-reveal-gone");
    driver.close();

    // The captured body, replayed over HTTP: into the same request, into a new request of the same
    // conversation, into another conversation. Refused in plain words; nothing stored.
    WebClient attacker = new WebClient(fx.server.uri());
    FormRequest again = fx.requestForm(attacker, cid, "card-payment");
    String other = fx.startConversation(attacker);
    FormRequest elsewhere = fx.requestForm(attacker, other, "card-payment");
    HttpResponse<String> sameRequest = fx.postSealed(attacker, cid, rid, post.body());
    HttpResponse<String> sameConversation = fx.postSealed(attacker, cid, again.id(), post.body());
    HttpResponse<String> otherConversation = fx.postSealed(attacker, other, elsewhere.id(), post.body());
    assertAll(
        () -> assertEquals(409, sameRequest.statusCode(), sameRequest.body()),
        () -> assertEquals(409, sameConversation.statusCode(), sameConversation.body()),
        () -> assertTrue(sameConversation.body().contains("filled in for another form in this chat"),
            sameConversation.body()),
        () -> assertEquals(409, otherConversation.statusCode(), otherConversation.body()),
        () -> assertTrue(otherConversation.body().contains("This form was not sent to this chat"), otherConversation.body()),
        () -> {
          for (HttpResponse<String> r : List.of(sameRequest, sameConversation, otherConversation)) {
            assertTrue(r.body().startsWith("{\"ok\":false,"), r.body());
            for (SealedSubmissionException.Reason reason : SealedSubmissionException.Reason.values()) {
              assertFalse(r.body().contains(reason.name()), r.body());
            }
          }
        },
        () -> assertEquals(List.of(receipt), fx.server.desk().find(cid).orElseThrow().receipts(), "nothing more stored"),
        () -> assertEquals(0, fx.server.forms().submissions(cid).size(), "the revealed one is gone, none added"),
        () -> assertEquals(0, fx.server.forms().submissions(other).size(), "nothing stored"),
        () -> assertTrue(again.receipt() == null && elsewhere.receipt() == null));

    assertEquals(List.of(), typed.leaksIn(String.join("\n", fx.server.events())), "no value in the events");
    assertEquals(List.of(), typed.leaksIn(fx.logs()), "no value in the server's logs");
  }

  // ------------------------------------------------------------------ helpers

  private static void focus(String id) {
    ((JavascriptExecutor) driver).executeScript("document.getElementById(arguments[0]).focus()", id);
  }

  /** axe-core on the page, injected through WebDriver (the page's CSP allows no script from elsewhere). */
  @SuppressWarnings("unchecked")
  private static List<String> axeViolations() {
    JavascriptExecutor js = (JavascriptExecutor) driver;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
      try {
        js.executeScript(Files.readString(AXE, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
        + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
        + ".catch(e => done(['axe failed: ' + e]));");
    return new ArrayList<>((List<String>) result);
  }

  private static void submit(WebElement button) {
    button.click();
    wait.until(d -> isStale(button));
  }

  private static boolean isStale(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private static FormRequest pendingRequest(String cid) {
    Conversation c = fx.server.desk().find(cid).orElseThrow();
    return c.entries().stream()
        .filter(e -> e instanceof FormRequest r && r.formId().equals("card-payment") && r.receipt() == null)
        .map(FormRequest.class::cast).reduce((a, b) -> b).orElseThrow();
  }

  private static FormRequest pendingOrSent(String cid, String rid) {
    return fx.server.desk().find(cid).orElseThrow().entries().stream()
        .filter(e -> e instanceof FormRequest r && r.id().equals(rid))
        .map(FormRequest.class::cast).findFirst().orElseThrow();
  }

  private static void shot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
