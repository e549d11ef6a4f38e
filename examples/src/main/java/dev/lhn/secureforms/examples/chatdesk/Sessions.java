package dev.lhn.secureforms.examples.chatdesk;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions with one CSRF token each. The session id lives in an {@code HttpOnly},
 * {@code SameSite=Strict} cookie; the token is a separate random value that pages embed in every form and
 * that {@link #csrfOk} compares in constant time. Both are 256 bits from a CSPRNG.
 */
final class Sessions {
  static final String COOKIE = "chatdesk_session";
  private static final int MAX_SESSIONS = 10_000;

  /** One browser's session. */
  record Session(String id, String csrfToken) {
    @Override
    public String toString() {
      return "Session[<redacted>]";
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > MAX_SESSIONS;
    }
  };

  /** The request's session, if its cookie names a live one. */
  synchronized Optional<Session> find(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(COOKIE + "=")) {
          Session s = sessions.get(p.substring(COOKIE.length() + 1));
          if (s != null) {
            return Optional.of(s);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The request's session, or a new one whose cookie is added to the response headers. */
  Session findOrStart(HttpExchange ex) {
    Optional<Session> found = find(ex);
    if (found.isPresent()) {
      return found.get();
    }
    Session s = new Session(token(), token());
    synchronized (this) {
      sessions.put(s.id(), s);
    }
    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Strict");
    return s;
  }

  /** Whether {@code presented} is this session's CSRF token; compares in constant time. */
  static boolean csrfOk(Session session, String presented) {
    if (session == null || presented == null) {
      return false;
    }
    return MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
