package dev.lhn.secureforms.examples.chatdesk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.SubmissionStatus;
import dev.lhn.secureforms.examples.DemoDatabase;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.FormRequest;
import java.net.http.HttpResponse;
import dev.lhn.secureforms.examples.DemoKek;
import dev.lhn.secureforms.examples.ManualClock;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.sealed.SealedPayload;
import dev.lhn.secureforms.testing.Canaries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

/**
 * A chat desk for tests: a random port on 127.0.0.1, the JDBC store on a private in-memory H2 database, its
 * epoch keys on a second one (as the desk keeps them outside the submissions' backups), a fresh demo keyset, a manual clock and no scheduler (tests purge by clicking). Also captures stderr, where
 * slf4j-simple writes every log line, so tests can check that no value was ever logged.
 */
final class ChatDeskFixture implements AutoCloseable {
  /** The card number the tests mistype, one digit off (fails the Luhn check). */
  static final String MISTYPED_PAN = "4242 4242 4242 4241";

  /**
   * Values the tests type, as typed and as normalised; none of them may appear in a log line or an event.
   * Matched by {@link Canaries}: forms shorter than 16 characters (the postal code {@code 94107}, its
   * base64) only as whole tokens, so a request id, csrf token or hash that happens to contain the digits
   * is not a leak (#9), while {@code postalCode=94107} or {@code "94107"} still is.
   */
  static final Canaries SECRETS = new Canaries(Map.ofEntries(
      Map.entry("pan", "4242424242424242"),
      Map.entry("pan as typed", "4242 4242 4242 4242"),
      Map.entry("mistyped pan", "4242424242424241"),
      Map.entry("mistyped pan as typed", MISTYPED_PAN),
      Map.entry("card name", "Ada Lovelace"),
      Map.entry("postal code", "94107"),
      Map.entry("email", "ada@example.com"),
      Map.entry("intake name", "Grace Hopper"),
      Map.entry("ssn as typed", "123-45-6789"),
      Map.entry("ssn", "123456789"),
      Map.entry("member id", "XJH-4471-0093"),
      Map.entry("symptoms", "Sore throat"),
      Map.entry("script", "alert(")));

  final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  final DemoDatabase db;
  /** The epoch keys' own database, never the submissions' one. */
  final DemoDatabase keys = DemoDatabase.h2Memory("chatdesk-keys-" + UUID.randomUUID());
  final ChatDeskServer server;
  /** Every request body the server received, as bytes on the wire (UTF-8), in order: what a proxy or a log could see. */
  final List<Recorded> received = new CopyOnWriteArrayList<>();
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private final String name;

  /**
   * Starts the desk; its log lines go to {@code target/<name>.log} (written on close) rather than the
   * console.
   */
  ChatDeskFixture(Path tempDir, String name) {
    this(tempDir, name, DemoDatabase.h2Memory("chatdesk-" + UUID.randomUUID()), DemoDatabase.TABLE_PREFIX);
  }

  /** The same on another database, with its own table prefix. */
  ChatDeskFixture(Path tempDir, String name, DemoDatabase db, String tablePrefix) {
    this.name = name;
    System.setErr(new PrintStream(new Tee(OutputStream.nullOutputStream(), captured), true, StandardCharsets.UTF_8));
    this.db = db;
    DemoKek kek = DemoKek.loadOrCreate(tempDir.resolve("kek.json"));
    try {
      server = ChatDeskServer.builder()
          .port(0)
          .store(db.submissionStore(tablePrefix))
          .epochKeyStore(keys.epochKeyStore())
          .formRequestStore(db.formRequestStore(tablePrefix))
          .requestFilter(new Recorder())
          .keyEncryptionKey(kek.aead())
          .clock(clock)
          .retentionScheduler(RetentionScheduler.disabled())
          .onClose(() -> {
            db.close();
            keys.close();
          })
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything logged to stderr since the fixture started. */
  String logs() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  String cardExpiry() {
    return "12/" + (clock.instant().atZone(ZoneOffset.UTC).getYear() + 3) % 100;
  }

  Map<String, String> card(String pan) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Ada Lovelace");
    v.put("pan", pan);
    v.put("exp", cardExpiry());
    v.put("cvc", "123");
    v.put("postalCode", "94107");
    v.put("email", "ada@example.com");
    return v;
  }

  static Map<String, String> intake(String symptoms) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Grace Hopper");
    v.put("birthDate", "1956-12-09");
    v.put("ssn", "123-45-6789");
    v.put("memberId", "XJH-4471-0093");
    v.put("visitType", "Follow-up");
    v.put("symptoms", symptoms);
    return v;
  }

  // ------------------------------------------------------------------ driving the desk over HTTP, as a browser would

  String startConversation(WebClient browser) {
    HttpResponse<String> r = browser.post("/chat", Map.of("csrf", browser.csrf()));
    assertEquals(303, r.statusCode());
    return r.headers().firstValue("Location").orElseThrow().substring("/chat/".length());
  }

  FormRequest requestForm(WebClient browser, String cid, String formId) {
    HttpResponse<String> r = browser.post("/operator/conversations/" + cid + "/requests",
        Map.of("csrf", browser.csrf(), "form", formId));
    assertEquals(303, r.statusCode());
    return server.desk().find(cid).orElseThrow().entries().stream()
        .filter(e -> e instanceof FormRequest fr && fr.formId().equals(formId) && fr.receipt() == null)
        .map(FormRequest.class::cast).reduce((a, b) -> b).orElseThrow();
  }

  /**
   * Sends a form as the visitor's page does (#13): sealed on the client, here with {@link SealedPayload#seal}
   * in Java (the same bytes the browser module writes), posted as JSON to the sealed endpoint.
   */
  SubmissionReceipt submit(WebClient browser, String cid, FormRequest request, Map<String, String> values) {
    HttpResponse<String> r = postSealed(browser, cid, request.id(), SealedPayload.seal(request.sealed(), values));
    assertEquals(200, r.statusCode(), () -> "sealed submit failed: " + r.statusCode() + " " + r.body());
    return request.receipt();
  }

  HttpResponse<String> postSealed(WebClient browser, String cid, String requestId, String sealedBody) {
    return browser.postJson("/chat/" + cid + "/forms/" + requestId + "/sealed", sealedBody, browser.csrf());
  }

  /** Sends a form through the no-JavaScript fallback: the plain form post, encrypted on the server. */
  SubmissionReceipt submitPlain(WebClient browser, String cid, FormRequest request, Map<String, String> values) {
    Map<String, String> form = new LinkedHashMap<>(values);
    form.put("csrf", browser.csrf());
    HttpResponse<String> r = browser.post("/chat/" + cid + "/forms/" + request.id(), form);
    assertEquals(303, r.statusCode(), () -> "submit failed: " + r.statusCode());
    return request.receipt();
  }

  SubmissionReceipt submitCard(WebClient browser) {
    String cid = startConversation(browser);
    return submit(browser, cid, requestForm(browser, cid, "card-payment"), card("4242 4242 4242 4242"));
  }

  SubmissionStatus status(SubmissionReceipt r) {
    return server.forms().status(r.id()).orElseThrow(() -> new AssertionError("submission gone"));
  }

  @Override
  public void close() {
    server.close();
    System.setErr(originalErr);
    try {
      Path log = Path.of("target", name + ".log");
      Files.createDirectories(log.getParent());
      Files.writeString(log, logs(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      originalErr.println("could not write the chat desk's log: " + e);
    }
  }

  /** A request body as the server received it. */
  record Recorded(String method, String path, String contentType, String body) {
    @Override
    public String toString() {
      return method + " " + path + " (" + body.length() + " chars)"; // never the body: it may hold values
    }
  }

  /** Records each request body before the desk reads it, and gives the desk an unread copy. */
  private final class Recorder extends Filter {
    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
      byte[] body = ex.getRequestBody().readAllBytes();
      if (body.length > 0) {
        received.add(new Recorded(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
            ex.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8)));
      }
      ex.setStreams(new java.io.ByteArrayInputStream(body), null);
      chain.doFilter(ex);
    }

    @Override
    public String description() {
      return "records request bodies for the tests";
    }
  }

  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final ByteArrayOutputStream b;

    Tee(OutputStream a, ByteArrayOutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      synchronized (b) {
        b.write(c);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      a.flush();
    }
  }
}
