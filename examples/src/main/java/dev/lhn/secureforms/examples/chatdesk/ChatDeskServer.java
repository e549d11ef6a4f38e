package dev.lhn.secureforms.examples.chatdesk;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.ConversationEndedException;
import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.RevealDeniedException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.examples.DemoDatabase;
import dev.lhn.secureforms.examples.DemoForms;
import dev.lhn.secureforms.examples.DemoKek;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Author;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Conversation;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.FormRequest;
import dev.lhn.secureforms.examples.chatdesk.Sessions.Session;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Classification;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.sealed.FormRequestStore;
import dev.lhn.secureforms.sealed.SealedSubmissionException;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat-desk example: a visitor chat page where the operator's secure-form requests appear, an operator
 * console with masked previews, view-once reveals and purge deadlines, and the JSON events a host would
 * post to its webhooks. The JDK's own HTTP server, no web framework. The visitor's page is the only one with
 * a script: the browser module of {@code lhn-secure-forms-browser} and a small glue file, both served from
 * this origin, render the secure form and seal the values in the browser (HPKE) before anything is sent;
 * the server hands the sealed body to {@code SecureForms.submitSealed} (#13). Without JavaScript the page
 * falls back, clearly marked, to a plain form that is encrypted on the server.
 *
 * <p>Security posture of the pages, each line tested: state changes are POSTs carrying a per-session CSRF
 * token compared in constant time (a GET never takes a view, so link previews and mail scanners cannot
 * burn a submission); {@code Origin} and {@code Host} are checked; the session cookie is {@code HttpOnly}
 * and {@code SameSite=Strict}; every response has a strict Content-Security-Policy, {@code nosniff},
 * {@code no-referrer} and {@code Cache-Control: no-store}; every value is HTML-escaped; a rejected form is
 * shown again without the sensitive values typed into it; and nothing is logged but methods, paths,
 * status codes and the library's metadata-only events.
 *
 * <p>Run it: {@code ./mvnw -q -pl examples -am package -DskipTests -Pchatdesk}, then open
 * {@code http://127.0.0.1:8080/}. Options: {@code --port=N} (0 picks a free port), {@code --host=ADDR},
 * {@code --data-dir=DIR}, {@code --jdbc-url=URL} (or env {@code CHATDESK_JDBC_URL} with
 * {@code CHATDESK_JDBC_USER}, {@code CHATDESK_JDBC_PASSWORD}); without a URL it uses embedded H2. The epoch
 * keys live in another database, outside the submissions' backup domain (docs/KEYS.md):
 * {@code --keys-jdbc-url=URL} (or env {@code CHATDESK_KEYS_JDBC_URL} with {@code CHATDESK_KEYS_JDBC_USER},
 * {@code CHATDESK_KEYS_JDBC_PASSWORD}), by default an embedded H2 file of their own in the data directory.
 */
public final class ChatDeskServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChatDeskServer.class);

  /** Sent with every response but the visitor's page: no scripts at all, styles and form posts only to this origin, no framing. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  /**
   * The visitor's page: as {@link #CONTENT_SECURITY_POLICY}, plus scripts from this origin only (the browser
   * module and {@code sealed-visitor.js}; no inline script, no {@code eval}) and {@code fetch} back to this
   * origin only, so the sealed payload cannot be sent anywhere else.
   */
  public static final String VISITOR_CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; form-action 'self'; "
          + "frame-ancestors 'none'; base-uri 'none'";
  /** Where the browser module is served: {@code BrowserBundle.WEB_PATH} of lhn-secure-forms-browser. */
  static final String BROWSER_MODULE_PATH = "/lhn-secure-forms/secure-form.js";
  /** Its resource in the lhn-secure-forms-browser jar ({@code BrowserBundle.RESOURCE}). */
  private static final String BROWSER_MODULE_RESOURCE = "META-INF/resources/lhn-secure-forms/secure-form.js";
  /** The header the visitor's page sends its CSRF token in with the sealed (JSON) body. */
  static final String CSRF_HEADER = "X-CSRF-Token";
  private static final int MAX_BODY_BYTES = 128 * 1024;
  private static final int MAX_EVENTS = 500;
  private static final int MAX_CHAT_TEXT = 1_000;
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/-]*");

  private final HttpServer http;
  private final ExecutorService executor;
  private final SecureForms forms;
  private final SubmissionStore store;
  private final InstantSource clock;
  private final ChatDesk desk = new ChatDesk();
  private final Sessions sessions = new Sessions();
  private final Map<String, FormSchema> schemas;
  private final Deque<String> events = new ConcurrentLinkedDeque<>();
  private final String operatorId;
  private final Set<String> allowedHosts;
  private final AutoCloseable onClose;
  private final Pages pages;

  private ChatDeskServer(Builder b) throws IOException {
    this.store = b.store;
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.operatorId = b.operatorId;
    this.onClose = b.onClose;
    Map<String, FormSchema> s = new LinkedHashMap<>();
    for (FormSchema f : b.schemas.isEmpty() ? List.of(DemoForms.cardPayment(), DemoForms.hipaaIntake()) : b.schemas) {
      s.put(f.formId(), f);
    }
    this.schemas = Collections.unmodifiableMap(s);
    SecureForms.Builder fb = SecureForms.builder()
        .keyEncryptionKey(b.kek)
        .store(b.store)
        .clock(clock)
        .retentionScheduler(b.scheduler == null ? RetentionScheduler.defaults() : b.scheduler)
        .listener(this::onEvent);
    if (b.epochKeys != null) {
      fb.epochKeyStore(b.epochKeys);
    }
    if (b.formRequests != null) {
      fb.formRequestStore(b.formRequests);
    }
    this.forms = fb.build(); // without epoch keys, refused unless the store is the in-memory one
    this.pages = new Pages(schemas, forms, clock, operatorId);
    this.http = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "chatdesk-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    int port = http.getAddress().getPort();
    this.allowedHosts = new HashSet<>(List.of(
        b.host.toLowerCase(Locale.ROOT) + ":" + port, "127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port));
    var context = http.createContext("/", this::handle);
    b.filters.forEach(context.getFilters()::add);
    http.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ accessors (tests, embedding)

  /** The base URI, such as {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return URI.create("http://" + http.getAddress().getHostString() + ":" + port() + "/");
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** The host state: conversations and their receipts. */
  public ChatDesk desk() {
    return desk;
  }

  public SecureForms forms() {
    return forms;
  }

  public SubmissionStore store() {
    return store;
  }

  /** The events so far, oldest first, as the JSON a webhook would receive (at most the last 500). */
  public List<String> events() {
    return List.copyOf(events);
  }

  private void onEvent(FormEvent e) {
    String json = e.toJson();
    events.addLast(json);
    while (events.size() > MAX_EVENTS) {
      events.pollFirst();
    }
    LOG.info("event {}", json); // metadata only: ids, operator, time, reason
  }

  // ------------------------------------------------------------------ HTTP

  /** An HTTP outcome: status, type, body and extra headers. */
  record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static Response html(int status, String title, String body) {
      return new Response(status, "text/html; charset=utf-8",
          Html.page(title, body).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The visitor's page: the sealing script, and the CSP that lets it (and only it) run. */
    static Response visitorHtml(int status, String body) {
      return new Response(status, "text/html; charset=utf-8",
          Html.page("Chat", body, "/static/sealed-visitor.js").getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Security-Policy", VISITOR_CONTENT_SECURITY_POLICY));
    }

    /** {@code {"ok":..., "message":...}}, what the visitor's page reads after sending a sealed form. */
    static Response json(int status, boolean ok, String message) {
      String body = "{\"ok\":" + ok + ",\"message\":\"" + jsonEsc(message) + "\"}";
      return new Response(status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response redirect(String location) {
      return new Response(303, "text/plain; charset=utf-8", new byte[0], Map.of("Location", location));
    }

    static Response error(int status, String title, String message) {
      return html(status, title, "<section class=\"card error-page\"><h1>" + Html.esc(title) + "</h1><p>"
          + Html.esc(message) + "</p><p><a href=\"/operator\">Operator console</a> · <a href=\"/\">Home</a></p></section>");
    }

    Response with(String header, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(header, value);
      return new Response(status, contentType, body, h);
    }
  }

  /** Thrown by handlers to answer with an error page. Messages never contain request data. */
  static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String title;

    HttpError(int status, String title, String message) {
      super(message, null, false, false);
      this.status = status;
      this.title = title;
    }
  }

  private void handle(HttpExchange ex) {
    long start = System.nanoTime();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    int status = 500;
    try {
      Response r;
      try {
        r = route(ex, method, path);
      } catch (HttpError e) {
        r = Response.error(e.status, e.title, e.getMessage());
      } catch (RuntimeException e) {
        // The type only: exception messages of lower layers are not ours to vouch for.
        LOG.error("{} {} failed with {}", method, SAFE_PATH.matcher(path).matches() ? path : "<path>",
            e.getClass().getName());
        r = Response.error(500, "Server error", "Something went wrong; nothing was revealed.");
      }
      status = r.status();
      send(ex, r);
    } catch (IOException e) {
      LOG.debug("client went away ({})", e.getClass().getSimpleName());
    } finally {
      ex.close();
      LOG.info("{} {} -> {} ({} ms)", method, SAFE_PATH.matcher(path).matches() ? path : "<path>", status,
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  private void send(HttpExchange ex, Response r) throws IOException {
    var h = ex.getResponseHeaders();
    h.set("Content-Type", r.contentType());
    h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.set("X-Content-Type-Options", "nosniff");
    // Pages with forms send their referrer to this origin only, so that browsers send a real Origin header
    // with their POSTs (under no-referrer they send "Origin: null"); the revealed page sends none at all.
    h.set("Referrer-Policy", "same-origin");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
    if (!r.headers().containsKey("Cache-Control")) {
      h.set("Cache-Control", "no-store");
    }
    r.headers().forEach(h::set);
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(r.status(), head || r.body().length == 0 ? -1 : r.body().length);
    if (!head && r.body().length > 0) {
      ex.getResponseBody().write(r.body());
    }
  }

  private Response route(HttpExchange ex, String method, String path) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      // DNS rebinding: a page on another name must not reach this server through the browser.
      throw new HttpError(421, "Misdirected request", "This server answers only to its own address.");
    }
    if (!SAFE_PATH.matcher(path).matches()) {
      throw new HttpError(404, "Not found", "No such page.");
    }
    String[] p = path.substring(1).split("/", -1);
    boolean get = "GET".equals(method) || "HEAD".equals(method);
    boolean post = "POST".equals(method);
    switch (p[0]) {
      case "" -> {
        return get ? home(ex) : methodNotAllowed("GET");
      }
      case "favicon.ico" -> {
        return new Response(204, "text/plain", new byte[0], Map.of("Cache-Control", "max-age=86400"));
      }
      case "static" -> {
        if (p.length == 2 && p[1].equals("chatdesk.css") && get) {
          return css();
        }
        if (p.length == 2 && p[1].equals("sealed-visitor.js") && get) {
          return script(ChatDeskServer.class.getResourceAsStream("sealed-visitor.js"));
        }
      }
      case "lhn-secure-forms" -> {
        if (path.equals(BROWSER_MODULE_PATH) && get) {
          // from the lhn-secure-forms-browser jar, on the class path: this origin serves it, nobody else
          ClassLoader cl = ChatDeskServer.class.getClassLoader();
          return script(cl == null ? null : cl.getResourceAsStream(BROWSER_MODULE_RESOURCE));
        }
      }
      case "events" -> {
        if (p.length == 1) {
          return get ? eventsJson() : methodNotAllowed("GET");
        }
      }
      case "chat" -> {
        if (p.length == 1) {
          return post ? startChat(ex) : methodNotAllowed("POST");
        }
        if (p.length == 2) {
          return get ? visitorPage(ex, p[1]) : methodNotAllowed("GET");
        }
        if (p.length == 3 && p[2].equals("messages")) {
          return post ? visitorSays(ex, p[1]) : methodNotAllowed("POST");
        }
        if (p.length == 4 && p[2].equals("forms")) {
          return post ? visitorSubmits(ex, p[1], p[3]) : methodNotAllowed("POST");
        }
        if (p.length == 5 && p[2].equals("forms") && p[4].equals("sealed")) {
          return post ? visitorSubmitsSealed(ex, p[1], p[3]) : methodNotAllowed("POST");
        }
      }
      case "operator" -> {
        if (p.length == 1) {
          return get ? console(ex) : methodNotAllowed("GET");
        }
        if (p.length == 2 && p[1].equals("reveal")) {
          // Never on GET: link previews, prefetchers and mail scanners follow links, and must not burn a view.
          return post ? reveal(ex) : methodNotAllowed("POST");
        }
        if (p.length == 2 && p[1].equals("purge-due")) {
          return post ? purgeDue(ex) : methodNotAllowed("POST");
        }
        if (p.length == 4 && p[1].equals("conversations")) {
          if (!post) {
            return methodNotAllowed("POST");
          }
          return switch (p[3]) {
            case "requests" -> requestForm(ex, p[2]);
            case "messages" -> operatorSays(ex, p[2]);
            case "end" -> endConversation(ex, p[2]);
            default -> throw new HttpError(404, "Not found", "No such page.");
          };
        }
      }
      default -> {
        // fall through to 404
      }
    }
    throw new HttpError(404, "Not found", "No such page.");
  }

  private static Response methodNotAllowed(String allowed) {
    return Response.error(405, "Method not allowed", "Use " + allowed + " here.").with("Allow", allowed);
  }

  // ------------------------------------------------------------------ pages

  private Response home(HttpExchange ex) {
    Session s = sessions.findOrStart(ex);
    return Response.html(200, "Home", pages.home(s));
  }

  private Response css() {
    try (InputStream in = ChatDeskServer.class.getResourceAsStream("chatdesk.css")) {
      if (in == null) {
        throw new HttpError(404, "Not found", "No such page.");
      }
      return new Response(200, "text/css; charset=utf-8", in.readAllBytes(),
          Map.of("Cache-Control", "max-age=300"));
    } catch (IOException e) {
      throw new HttpError(500, "Server error", "The stylesheet could not be read.");
    }
  }

  private static Response script(InputStream resource) {
    try (InputStream in = resource) {
      if (in == null) {
        throw new HttpError(404, "Not found", "No such page.");
      }
      return new Response(200, "text/javascript; charset=utf-8", in.readAllBytes(),
          Map.of("Cache-Control", "max-age=300"));
    } catch (IOException e) {
      throw new HttpError(500, "Server error", "The script could not be read.");
    }
  }

  private Response eventsJson() {
    String body = "[\n" + String.join(",\n", events) + "\n]\n";
    return new Response(200, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private Response startChat(HttpExchange ex) {
    checkPost(ex, readForm(ex));
    Conversation c = desk.open(clock.instant());
    c.say(Author.SYSTEM, "You are chatting with Support. An operator will join shortly.", clock.instant());
    return Response.redirect("/chat/" + c.id());
  }

  private Response visitorPage(HttpExchange ex, String conversationId) {
    Session s = sessions.findOrStart(ex);
    Conversation c = conversation(conversationId);
    return Response.visitorHtml(200, pages.visitor(s, c, null, null, Map.of()));
  }

  private Response visitorSays(HttpExchange ex, String conversationId) {
    Map<String, String> form = readForm(ex);
    checkPost(ex, form);
    Conversation c = conversation(conversationId);
    String text = chatText(form);
    if (!c.ended()) {
      c.say(Author.VISITOR, text, clock.instant());
    }
    return Response.redirect("/chat/" + c.id() + "#bottom");
  }

  private Response visitorSubmits(HttpExchange ex, String conversationId, String requestId) {
    Map<String, String> form = readForm(ex);
    Session s = checkPost(ex, form);
    Conversation c = conversation(conversationId);
    FormRequest request = c.findRequest(requestId)
        .orElseThrow(() -> new HttpError(404, "Not found", "No such form request in this conversation."));
    FormSchema schema = schemas.get(request.formId());
    Map<String, String> values = new LinkedHashMap<>();
    schema.fields().forEach(f -> values.put(f.name(), form.get(f.name())));
    if (!c.beginSubmit(request)) {
      throw new HttpError(409, "Already sent",
          "This form was already sent, is being sent, or the conversation has ended.");
    }
    SubmissionReceipt receipt = null;
    try {
      receipt = forms.submit(schema, c.id(), values);
    } catch (InvalidSubmissionException e) {
      c.endSubmit(request, null);
      LOG.info("submission of form '{}' rejected: {} violation(s)", schema.formId(), e.violations().size());
      // Shown again with the errors, and without the values: only fields classified NONE keep theirs.
      Map<String, String> kept = new LinkedHashMap<>();
      schema.fields().stream().filter(f -> f.classification() == Classification.NONE && values.get(f.name()) != null)
          .forEach(f -> kept.put(f.name(), values.get(f.name())));
      return Response.visitorHtml(422, pages.visitor(s, c, request, e, kept));
    } catch (ConversationEndedException e) {
      // another instance ended the conversation first: the library stored nothing
      c.endSubmit(request, null);
      throw new HttpError(409, "Already sent",
          "This form was already sent, is being sent, or the conversation has ended.");
    } finally {
      values.replaceAll((k, v) -> null);
    }
    c.endSubmit(request, receipt);
    return Response.redirect("/chat/" + c.id() + "#" + request.id());
  }

  /**
   * The visitor's page posts the body its browser sealed ({@code {"v":1,"token","kid","ct"}}, JSON) with the
   * session's CSRF token in {@value #CSRF_HEADER}. The desk never reads the values: it hands the body to
   * {@code submitSealed}, which checks the token (this form, this conversation, not expired, not used), opens
   * it and stores it. Every refusal answers 4xx with plain words and stores nothing.
   */
  private Response visitorSubmitsSealed(HttpExchange ex, String conversationId, String requestId) {
    try {
      String body = readJson(ex);
      checkPost(ex, ex.getRequestHeaders().getFirst(CSRF_HEADER));
      Conversation c = conversation(conversationId);
      FormRequest request = c.findRequest(requestId)
          .orElseThrow(() -> new HttpError(404, "Not found", "This form is not part of this conversation."));
      FormSchema schema = schemas.get(request.formId());
      if (!c.beginSubmit(request)) {
        throw new HttpError(409, "Already sent", c.ended() ? "This conversation has ended; the form can no longer be sent."
            : "This form was already sent (or is being sent). If you need to send it again, ask the operator for a new one.");
      }
      SubmissionReceipt receipt = null;
      try {
        // bound to this request: another pending request's payload posted here is refused, not stored as this one
        receipt = forms.submitSealed(schema, c.id(), request.sealed().requestId(), body);
      } catch (SealedSubmissionException e) {
        // the reason goes to the log (metadata); the visitor gets plain words
        LOG.info("sealed submission of form '{}' refused: {}", schema.formId(), e.reason());
        return Response.json(refusalStatus(e.reason()), false, refusalWords(e.reason()));
      } catch (InvalidSubmissionException e) {
        // the page checks the same rules before sealing, so this is a page out of step with the form
        LOG.info("sealed submission of form '{}' rejected: {} violation(s)", schema.formId(), e.violations().size());
        return Response.json(422, false, "Some details were not accepted. Please check them and send the form again.");
      } catch (ConversationEndedException e) {
        return Response.json(409, false, "This conversation has ended; the form can no longer be sent.");
      } finally {
        c.endSubmit(request, receipt);
      }
      return Response.json(200, true, "Sent securely. Only the operator can view it, " + Pages.views(schema)
          + "; then it is deleted.");
    } catch (HttpError e) {
      return Response.json(e.status, false, e.getMessage());
    }
  }

  static int refusalStatus(SealedSubmissionException.Reason reason) {
    return switch (reason) {
      case MALFORMED, TAMPERED -> 400;
      case WRONG_FORM, WRONG_CONVERSATION, WRONG_REQUEST, REPLAYED -> 409;
      case EXPIRED, UNKNOWN_KEY, RETIRED_KEY -> 410;
    };
  }

  /** What the visitor reads when the library refuses a sealed payload: never a rule code or a reason name. */
  static String refusalWords(SealedSubmissionException.Reason reason) {
    return switch (reason) {
      case MALFORMED, TAMPERED -> "Your details could not be read, so nothing was kept. Reload the page and fill in the form again.";
      case WRONG_FORM, WRONG_CONVERSATION -> "This form was not sent to this chat, so nothing was kept. Ask the operator to send you the form.";
      case WRONG_REQUEST -> "These details were filled in for another form in this chat, so nothing was kept. Fill in this form and send it again.";
      case REPLAYED -> "This form was already sent once, so nothing more was kept. If you need to send it again, ask the operator for a new one.";
      case EXPIRED, UNKNOWN_KEY, RETIRED_KEY -> "This form has expired, so nothing was kept. Ask the operator to send it again.";
    };
  }

  private Response console(HttpExchange ex) {
    Session s = sessions.findOrStart(ex);
    String purged = ex.getRequestURI().getRawQuery();
    Integer purgedCount = null;
    if (purged != null && purged.matches("purged=[0-9]{1,9}")) {
      purgedCount = Integer.parseInt(purged.substring("purged=".length()));
    }
    return Response.html(200, "Operator console", pages.console(s, desk.all(), events(), purgedCount));
  }

  private Response requestForm(HttpExchange ex, String conversationId) {
    Map<String, String> form = readForm(ex);
    checkPost(ex, form);
    Conversation c = conversation(conversationId);
    FormSchema schema = schemas.get(form.getOrDefault("form", ""));
    if (schema == null) {
      throw new HttpError(400, "Bad request", "Unknown form.");
    }
    if (c.ended()) {
      throw new HttpError(409, "Conversation ended", "This conversation has ended.");
    }
    // the library's form request: the token (this form, its version, this conversation, an expiry; once)
    // and the sealing key the visitor's page seals to
    c.request(schema.formId(), clock.instant(), forms.requestForm(schema, c.id()));
    return Response.redirect("/operator#" + c.id());
  }

  private Response operatorSays(HttpExchange ex, String conversationId) {
    Map<String, String> form = readForm(ex);
    checkPost(ex, form);
    Conversation c = conversation(conversationId);
    String text = chatText(form);
    if (!c.ended()) {
      c.say(Author.OPERATOR, text, clock.instant());
    }
    return Response.redirect("/operator#" + c.id());
  }

  private Response endConversation(HttpExchange ex, String conversationId) {
    Map<String, String> form = readForm(ex);
    checkPost(ex, form);
    Conversation c = conversation(conversationId);
    if (c.end(clock.instant())) {
      int updated = forms.conversationEnded(c.id());
      LOG.info("conversation {} ended: {} submission(s) now purge on the conversation's schedule", c.id(), updated);
    }
    return Response.redirect("/operator#" + c.id());
  }

  private Response purgeDue(HttpExchange ex) {
    checkPost(ex, readForm(ex));
    int purged = forms.purgeDue();
    return Response.redirect("/operator?purged=" + purged);
  }

  private Response reveal(HttpExchange ex) {
    Map<String, String> form = readForm(ex);
    checkPost(ex, form);
    SubmissionId id;
    try {
      id = SubmissionId.parse(form.getOrDefault("submission", ""));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "Bad request", "That is not a submission id.");
    }
    // The host decides who may reveal what: here, any submission of a conversation this desk knows.
    Conversation c = desk.all().stream().filter(x -> x.has(id)).findFirst()
        .orElseThrow(() -> new HttpError(404, "Not found", "No such submission."));
    Optional<RevealedSubmission> revealed;
    try {
      revealed = forms.reveal(id, Viewer.of(operatorId));
    } catch (RevealDeniedException e) {
      throw new HttpError(403, "Reveal denied", "You may not reveal this submission. Nothing was consumed.");
    } catch (DecryptionException e) {
      throw new HttpError(500, "Cannot decrypt",
          "The submission could not be decrypted (key unavailable?). Nothing was consumed; try again later.");
    }
    if (revealed.isEmpty()) {
      // the journal says why it is gone: "revealed by operator-7 at 10:02", "purged: CONVERSATION_ENDED"
      return Response.html(410, "Gone", pages.gone(id, c, forms.history(id))).with("Referrer-Policy", "no-referrer");
    }
    try (RevealedSubmission r = revealed.get()) {
      // no-store: no copy in any cache or back-forward history; no-referrer: the page's URL goes nowhere.
      return Response.html(200, "Revealed", pages.revealed(r, c, schemas.get(r.formId())))
          .with("Referrer-Policy", "no-referrer");
    }
  }

  // ------------------------------------------------------------------ request plumbing

  private Conversation conversation(String id) {
    return desk.find(id).orElseThrow(() -> new HttpError(404, "Not found", "No such conversation."));
  }

  private static String chatText(Map<String, String> form) {
    String text = form.getOrDefault("text", "").strip();
    if (text.isEmpty() || text.length() > MAX_CHAT_TEXT) {
      throw new HttpError(400, "Bad request", "A message has 1 to " + MAX_CHAT_TEXT + " characters.");
    }
    return text;
  }

  /**
   * Checks a state-changing request: same origin (when the browser says), a live session, and that
   * session's CSRF token. Throws 403 otherwise, before anything is read from or written to the store.
   */
  private Session checkPost(HttpExchange ex, Map<String, String> form) {
    return checkPost(ex, form.get("csrf"));
  }

  private Session checkPost(HttpExchange ex, String csrf) {
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    if (origin != null && !origin.equalsIgnoreCase("http://" + host)) { // "null" included
      throw new HttpError(403, "Forbidden", "Cross-origin request refused. Nothing was changed.");
    }
    Session s = sessions.find(ex).orElseThrow(() -> new HttpError(403, "Forbidden",
        "No session: reload the page and try again. Nothing was changed."));
    if (!Sessions.csrfOk(s, csrf)) {
      throw new HttpError(403, "Forbidden", "Missing or wrong CSRF token. Nothing was changed.");
    }
    return s;
  }

  /** Reads an {@code application/json} body, as the sealed form sends it; never logged, never parsed here. */
  private static String readJson(HttpExchange ex) {
    return new String(readBody(ex, "application/json",
        "The secure form could not be sent. Reload the page and try again."), StandardCharsets.UTF_8);
  }

  /** The raw body of a POST of {@code mediaType}, at most {@value #MAX_BODY_BYTES} bytes. */
  private static byte[] readBody(HttpExchange ex, String mediaType, String wrongTypeMessage) {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(mediaType)) {
      throw new HttpError(415, "Unsupported media type", wrongTypeMessage);
    }
    byte[] body;
    try {
      body = ex.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new HttpError(400, "Bad request", "The request body could not be read.");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new HttpError(413, "Too large", "The form is larger than " + MAX_BODY_BYTES + " bytes.");
    }
    return body;
  }

  static String jsonEsc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&') {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.toString();
  }

  /** Reads an {@code application/x-www-form-urlencoded} body; the first of repeated names wins. */
  private static Map<String, String> readForm(HttpExchange ex) {
    byte[] body = readBody(ex, "application/x-www-form-urlencoded",
        "Send an HTML form (application/x-www-form-urlencoded).");
    Map<String, String> form = new LinkedHashMap<>();
    try {
      for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "Bad request", "The form is not properly encoded.");
    } finally {
      java.util.Arrays.fill(body, (byte) 0);
    }
    return form;
  }

  /** Stops the server, the library's scheduler and whatever {@link Builder#onClose} names (the database). */
  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    forms.close();
    try {
      onClose.close();
    } catch (Exception e) {
      LOG.warn("closing failed ({})", e.getClass().getSimpleName());
    }
  }

  @Override
  public String toString() {
    return "ChatDeskServer[" + uri() + "]";
  }

  // ------------------------------------------------------------------ main

  /** Starts the chat desk and serves until the JVM stops (Ctrl-C). */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        System.err.println("usage: ChatDeskServer [--port=8080] [--host=127.0.0.1] [--data-dir=target/chatdesk] "
            + "[--jdbc-url=jdbc:postgresql://...] [--keys-jdbc-url=jdbc:postgresql://...]");
        System.exit(2);
      }
      opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    int port = Integer.parseInt(option(opts, "port", "CHATDESK_PORT", "8080"));
    String host = option(opts, "host", "CHATDESK_HOST", "127.0.0.1");
    Path dataDir = Path.of(option(opts, "data-dir", "CHATDESK_DATA_DIR", "target/chatdesk"));
    String url = option(opts, "jdbc-url", "CHATDESK_JDBC_URL", "");
    String keysUrl = option(opts, "keys-jdbc-url", "CHATDESK_KEYS_JDBC_URL", "");
    java.nio.file.Files.createDirectories(dataDir);

    DemoDatabase db = url.isEmpty() ? DemoDatabase.h2File(dataDir, "chatdesk-db")
        : DemoDatabase.url(url, System.getenv("CHATDESK_JDBC_USER"), System.getenv("CHATDESK_JDBC_PASSWORD"));
    // The epoch keys in another database: a backup of the submissions then never holds the keys to open it.
    DemoDatabase keys = keysUrl.isEmpty() ? DemoDatabase.h2File(dataDir, "chatdesk-keys")
        : DemoDatabase.url(keysUrl, System.getenv("CHATDESK_KEYS_JDBC_USER"),
            System.getenv("CHATDESK_KEYS_JDBC_PASSWORD"));
    DemoKek kek = DemoKek.loadOrCreate(dataDir.resolve("demo-kek.json"));
    System.out.println(kek.warning());
    ChatDeskServer server = builder()
        .host(host)
        .port(port)
        .store(db.submissionStore())
        .epochKeyStore(keys.epochKeyStore())
        .formRequestStore(db.formRequestStore())
        .keyEncryptionKey(kek.aead())
        .onClose(() -> {
          db.close();
          keys.close();
        })
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "chatdesk-shutdown"));
    System.out.println();
    System.out.println("ChatDesk is running on " + db.description());
    System.out.println("  epoch keys on " + keys.description() + " (outside the submissions' backup domain)");
    System.out.println("  visitor:  " + server.uri() + "  (start a chat)");
    System.out.println("  operator: " + server.uri() + "operator");
    System.out.println("  events:   " + server.uri() + "events");
    System.out.println("Ctrl-C stops it.");
    stopped.await();
  }

  private static String option(Map<String, String> opts, String name, String env, String dflt) {
    String v = opts.get(name);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? dflt : v.strip();
  }

  /** Configures and starts a {@link ChatDeskServer}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private SubmissionStore store;
    private EpochKeyStore epochKeys;
    private FormRequestStore formRequests;
    private final List<Filter> filters = new ArrayList<>();
    private Aead kek;
    private InstantSource clock;
    private RetentionScheduler scheduler;
    private String operatorId = "operator-1";
    private AutoCloseable onClose = () -> {};
    private final List<FormSchema> schemas = new ArrayList<>();

    private Builder() {}

    /** The address to bind; default {@code 127.0.0.1}. Anything else needs TLS in front of it. */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 picks a free one; default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Where submissions live. Required. */
    public Builder store(SubmissionStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * Where the epoch keys live: required with a durable store, on a database outside the submissions'
     * backup domain (docs/KEYS.md). Default the in-memory one, allowed only with the in-memory store.
     */
    public Builder epochKeyStore(EpochKeyStore epochKeys) {
      this.epochKeys = requireNonNull(epochKeys, "epochKeys");
      return this;
    }

    /**
     * What makes each form request single use (docs/BROWSER.md): required with a durable store, shared by
     * every instance. Default the in-memory one, allowed only with the in-memory store.
     */
    public Builder formRequestStore(FormRequestStore formRequests) {
      this.formRequests = requireNonNull(formRequests, "formRequests");
      return this;
    }

    /**
     * A filter every request goes through before the desk reads it (tests record the bodies the server
     * receives with one). A filter that reads a body must put an unread copy back with
     * {@code HttpExchange.setStreams}; it must never log one.
     */
    public Builder requestFilter(Filter filter) {
      filters.add(requireNonNull(filter, "filter"));
      return this;
    }

    /** The key-encryption key. Required. */
    public Builder keyEncryptionKey(Aead kek) {
      this.kek = requireNonNull(kek, "kek");
      return this;
    }

    /** The clock; default the system clock. Tests pass a manual one. */
    public Builder clock(InstantSource clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Default: purge every 5 seconds. */
    public Builder retentionScheduler(RetentionScheduler scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The demo's one operator; a real host takes it from its login. Default {@code operator-1}. */
    public Builder operatorId(String operatorId) {
      this.operatorId = Viewer.of(operatorId).operatorId();
      return this;
    }

    /** The forms operators can request; default the card payment and the patient intake. */
    public Builder form(FormSchema form) {
      schemas.add(requireNonNull(form, "form"));
      return this;
    }

    /** Closed after the server stops, such as the database. */
    public Builder onClose(AutoCloseable onClose) {
      this.onClose = requireNonNull(onClose, "onClose");
      return this;
    }

    /** Starts the server. */
    public ChatDeskServer start() throws IOException {
      if (store == null) {
        throw new IllegalStateException("store is required");
      }
      if (kek == null) {
        throw new IllegalStateException("keyEncryptionKey is required");
      }

      return new ChatDeskServer(this);
    }
  }
}
