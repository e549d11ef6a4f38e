package dev.lhn.secureforms.webhooks;

import dev.lhn.secureforms.spi.OutboxMessage;
import java.util.Optional;

/**
 * The Standard Webhooks body around an outbox message: {@code {"type":…,"timestamp":…,"data":<payload>}}, with
 * the payload as the store wrote it (metadata only) and the commit time as ISO-8601 UTC.
 */
final class WebhookBody {
  private WebhookBody() {}

  /** The body, or empty if the payload is not one JSON object. */
  static Optional<String> of(OutboxMessage m) {
    String data = m.payload().strip();
    if (data.length() < 2 || data.charAt(0) != '{' || data.charAt(data.length() - 1) != '}') {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder(data.length() + m.type().length() + 64);
    b.append("{\"type\":");
    quote(b, m.type());
    b.append(",\"timestamp\":\"").append(m.createdAt()).append("\",\"data\":").append(data).append('}');
    return Optional.of(b.toString());
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
