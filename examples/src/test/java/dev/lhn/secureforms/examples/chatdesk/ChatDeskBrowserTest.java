package dev.lhn.secureforms.examples.chatdesk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Conversation;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.FormRequest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The chat desk in a real browser with <b>JavaScript turned off</b>: Debian's headless Chromium driven by
 * Selenium, through the visitor page's no-JavaScript fallback (the plain form, encrypted on the server, in
 * {@code <noscript>}). The sealed path, with JavaScript on, is {@link ChatDeskSealedBrowserTest}. Outside CI
 * it is skipped, with a message, when Chromium or chromedriver is missing; with {@code CI=true} it must run.
 *
 * <p>Selenium Manager (Selenium's own browser and driver download) is never used: the browser binary and
 * the driver executable are given explicitly. Override them with {@code -Dchromium.binary=...} and
 * {@code -Dchromedriver.path=...}. Screenshots of each step go to {@code target/screenshots/}.
 */
class ChatDeskBrowserTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.path", "/usr/bin/chromedriver"));
  private static final Path SCREENSHOTS = Path.of(System.getProperty("examples.screenshots", "target/screenshots"));

  @TempDir
  static Path tempDir;
  static ChatDeskFixture fx;
  static ChromeDriverService service;
  static WebDriver driver;
  static WebDriverWait wait;

  @BeforeAll
  static void start() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String why = "ChatDeskBrowserTest: no Chromium at " + CHROMIUM + " or no chromedriver at " + CHROMEDRIVER
          + " (Debian: apt-get install chromium chromium-driver)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + "; CI=true requires the browser test to run");
      }
      System.out.println("SKIPPED " + why);
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    fx = new ChatDeskFixture(tempDir, "chatdesk-browser-test");
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,1100", "--user-data-dir=" + tempDir.resolve("chromium"));
    // Page scripts off (WebDriver's own commands still run): the visitor gets the <noscript> fallback.
    options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    wait = new WebDriverWait(driver, Duration.ofSeconds(10));
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
  void visitorSubmitsCard_operatorRevealsOnce_secondRevealIsGone_endAndPurgeRemovesTheRow() {
    // The visitor starts a chat.
    driver.get(fx.server.uri().toString());
    submit(driver.findElement(By.id("start-chat")));
    wait.until(ExpectedConditions.urlMatches("/chat/c-"));
    String visitor = driver.getWindowHandle();
    String cid = driver.getCurrentUrl().replaceAll(".*/chat/([A-Za-z0-9_-]+).*", "$1");
    shot("01-visitor-chat-started");
    assertTrue(driver.findElements(By.cssSelector("div.sealed-form[data-lsf-ready]")).isEmpty(), "no script ran");

    // The operator, in another tab, asks for a card payment.
    driver.switchTo().newWindow(WindowType.TAB);
    String operator = driver.getWindowHandle();
    driver.get(fx.server.uri() + "operator");
    submit(driver.findElement(By.id("request-card-payment-" + cid)));
    shot("02-operator-requests-card");

    // The visitor mistypes the card number: the error names the field and the rule; the values are cleared.
    driver.switchTo().window(visitor);
    driver.navigate().refresh();
    String rid = pendingRequest(cid, "card-payment").id();
    assertTrue(driver.findElement(By.id("fallback-" + rid)).getText().contains("not encrypted in your browser"),
        "the fallback says what it is");
    fillCard(rid, ChatDeskFixture.MISTYPED_PAN);
    submit(driver.findElement(By.cssSelector("#form-" + rid + " button[type=submit]")));
    WebElement panError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("err-" + rid + "-pan")));
    assertTrue(panError.getText().contains("[luhn]"), panError.getText());
    assertEquals("", driver.findElement(By.id("f-" + rid + "-pan")).getAttribute("value"), "number cleared");
    assertEquals("", driver.findElement(By.id("f-" + rid + "-name")).getAttribute("value"), "name cleared");
    assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(driver.getPageSource()),
        "the rejected number, as typed or normalised, and the cleared values are not in the page");
    shot("03-visitor-validation-error");

    // ... and sends it right.
    fillCard(rid, "4242 4242 4242 4242");
    submit(driver.findElement(By.cssSelector("#form-" + rid + " button[type=submit]")));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sent-" + rid)));
    shot("04-visitor-sent");
    SubmissionReceipt card = receipt(cid, "card-payment");

    // The operator's console: masked preview, views left, time before purge. A second console tab stays open.
    driver.switchTo().window(operator);
    driver.navigate().refresh();
    WebElement row = driver.findElement(By.id("sub-" + card.id()));
    assertTrue(row.getText().contains("Visa ****4242"), row.getText());
    assertTrue(row.getText().contains("1 of 1"), row.getText());
    assertTrue(row.getText().contains("in 24h 0m"), row.getText());
    assertFalse(driver.getPageSource().contains("4242 4242 4242 4242"));
    shot("05-operator-console-masked");
    driver.switchTo().newWindow(WindowType.TAB);
    String staleConsole = driver.getWindowHandle();
    driver.get(fx.server.uri() + "operator");

    // Reveal once: the operator sees the card number.
    driver.switchTo().window(operator);
    submit(driver.findElement(By.id("reveal-" + card.id())));
    WebElement pan = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("value-pan")));
    assertEquals("4242 4242 4242 4242", pan.getText());
    assertTrue(driver.findElement(By.id("reveal-outcome")).getText().contains("last allowed view"));
    shot("06-operator-revealed-once");

    // A second reveal, from the console tab that still shows the button: gone.
    driver.switchTo().window(staleConsole);
    submit(driver.findElement(By.id("reveal-" + card.id())));
    WebElement gone = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("gone")));
    assertEquals("Nothing to reveal", gone.getText());
    assertFalse(driver.getPageSource().contains("4242 4242 4242 4242"));
    assertTrue(fx.server.forms().status(card.id()).isEmpty());
    shot("07-second-reveal-gone");
    driver.close();

    // A patient intake in the same conversation, then the operator ends the conversation and purges.
    driver.switchTo().window(operator);
    driver.get(fx.server.uri() + "operator");
    submit(driver.findElement(By.id("request-hipaa-intake-" + cid)));
    driver.switchTo().window(visitor);
    driver.navigate().refresh();
    String intakeRid = pendingRequest(cid, "hipaa-intake").id();
    fillIntake(intakeRid);
    submit(driver.findElement(By.cssSelector("#form-" + intakeRid + " button[type=submit]")));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sent-" + intakeRid)));
    SubmissionReceipt intake = receipt(cid, "hipaa-intake");

    driver.switchTo().window(operator);
    driver.navigate().refresh();
    submit(driver.findElement(By.id("end-" + cid)));
    WebElement intakeRow = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sub-" + intake.id())));
    assertTrue(intakeRow.getText().contains("in 1h 0m"), intakeRow.getText());
    assertTrue(intakeRow.getText().contains("conversation ended"), intakeRow.getText());
    shot("08-conversation-ended");
    assertTrue(fx.server.store().find(intake.id(), intake.submittedAt()).isPresent(), "row still stored");

    fx.clock.advance(Duration.ofHours(1));
    submit(driver.findElement(By.id("purge-due")));
    WebElement result = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("purge-result")));
    assertTrue(result.getText().contains("Purged 1"), result.getText());
    assertEquals("gone", driver.findElement(By.id("sub-" + intake.id())).getAttribute("data-state"));
    assertTrue(fx.server.store().find(intake.id(), intake.submittedAt()).isEmpty(), "the row is gone from the store");
    shot("09-purged");

    // The events a host would post to its webhooks.
    driver.get(fx.server.uri() + "events");
    String events = driver.findElement(By.tagName("body")).getText();
    assertTrue(events.contains("\"reason\":\"CONVERSATION_ENDED\""), events);
    shot("10-events-json");
    assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(events), "no value in the events");
    assertEquals(List.of(), ChatDeskFixture.SECRETS.leaksIn(fx.logs()), "no value in the server's logs");
  }

  // ------------------------------------------------------------------ helpers

  /** Clicks a button that posts a form and waits until the page it was on has been replaced. */
  private static void submit(WebElement button) {
    button.click();
    wait.until(d -> isStale(button));
  }

  /**
   * Whether the element's page was replaced. ChromeDriver reports a node of a replaced document either as
   * a stale element or, while the new document loads, as an "unknown error: ... does not belong to the
   * document"; both mean the same here.
   */
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

  private static void fillCard(String rid, String pan) {
    Map<String, String> values = fx.card(pan);
    values.forEach((name, value) -> type(rid, name, value));
  }

  private static void fillIntake(String rid) {
    Map<String, String> values = ChatDeskFixture.intake("Sore throat for three days.\nMild fever at night.");
    values.forEach((name, value) -> {
      if (name.equals("visitType")) {
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-" + rid + "-visitType")))
            .selectByVisibleText(value);
      } else {
        type(rid, name, value);
      }
    });
  }

  private static void type(String rid, String field, String value) {
    WebElement input = driver.findElement(By.id("f-" + rid + "-" + field));
    input.clear();
    input.sendKeys(value);
  }

  private static FormRequest pendingRequest(String cid, String formId) {
    Conversation c = fx.server.desk().find(cid).orElseThrow();
    return c.entries().stream()
        .filter(e -> e instanceof FormRequest r && r.formId().equals(formId) && r.receipt() == null)
        .map(FormRequest.class::cast).reduce((a, b) -> b).orElseThrow();
  }

  private static SubmissionReceipt receipt(String cid, String formId) {
    return fx.server.desk().find(cid).orElseThrow().receipts().stream()
        .filter(r -> r.formId().equals(formId)).reduce((a, b) -> b).orElseThrow();
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
