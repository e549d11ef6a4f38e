package dev.lhn.secureforms.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A real local webhook receiver ({@link HttpServer}): verifies every request with a {@link WebhookVerifier}
 * and answers as its behaviour says: a status, a stall past the sender's timeout, or a closed connection.
 */
final class Receiver implements AutoCloseable {
  /** What to do with one request. */
  sealed interface Answer permits Status, Stall, Close {}

  /** Answer with a status. */
  record Status(int code) implements Answer {}

  /** Wait this long, then answer 200 (the sender timed out meanwhile). */
  record Stall(long millis) implements Answer {}

  /** Close the connection without an answer. */
  record Close() implements Answer {}

  /** One request as received. */
  record Request(String id, Map<String, List<String>> headers, byte[] body, boolean verified, String failure,
      Answer answer) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final WebhookVerifier verifier;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile BiFunction<Integer, String, Answer> behaviour;

  Receiver(WebhookVerifier verifier, BiFunction<Integer, String, Answer> behaviour) throws IOException {
    this.verifier = verifier;
    this.behaviour = behaviour;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(pool);
    server.createContext("/hooks", this::handle);
    server.start();
  }

  void behaviour(BiFunction<Integer, String, Answer> b) {
    behaviour = b;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Map<String, List<String>> headers = new TreeMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), new ArrayList<>(v)));
    String id = ex.getRequestHeaders().getFirst("webhook-id");
    boolean ok;
    String failure = null;
    try {
      verifier.verify(ex.getRequestHeaders(), body);
      ok = true;
    } catch (WebhookVerificationException e) {
      ok = false;
      failure = e.getMessage();
    }
    Answer a = behaviour.apply(count.incrementAndGet(), id);
    requests.add(new Request(id, headers, body, ok, failure, a));
    try {
      if (a instanceof Status s) {
        ex.sendResponseHeaders(s.code(), -1);
      } else if (a instanceof Stall s) {
        Thread.sleep(s.millis());
        ex.sendResponseHeaders(200, -1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the sender gave up (timed out) before the answer
    } finally {
      ex.close();
    }
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
