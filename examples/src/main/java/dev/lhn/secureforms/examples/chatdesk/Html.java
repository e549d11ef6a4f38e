package dev.lhn.secureforms.examples.chatdesk;

/**
 * HTML output for the chat desk: every piece of text that is not a literal of this code goes through
 * {@link #esc}, values and ids alike, in element content and in quoted attributes.
 */
final class Html {
  private final StringBuilder b = new StringBuilder(4096);

  /** Escapes {@code & < > " '} and replaces control characters other than tab and newlines. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t' ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  /** Appends trusted markup: literals of this code only, never data. */
  Html raw(String markup) {
    b.append(markup);
    return this;
  }

  /** Appends text, escaped. */
  Html text(String text) {
    b.append(esc(text));
    return this;
  }

  /** {@code <tag attrs>escaped text</tag>}, where {@code attrs} is trusted markup. */
  Html el(String tag, String attrs, String text) {
    b.append('<').append(tag);
    if (!attrs.isEmpty()) {
      b.append(' ').append(attrs);
    }
    b.append('>').append(esc(text)).append("</").append(tag).append('>');
    return this;
  }

  /** {@code name="escaped value"}, for building attribute lists. */
  static String attr(String name, String value) {
    return name + "=\"" + esc(value) + "\"";
  }

  /** A hidden input. */
  Html hidden(String name, String value) {
    return raw("<input type=\"hidden\" " + attr("name", name) + " " + attr("value", value) + ">");
  }

  /** The page skeleton around {@code body}. */
  static String page(String title, String body) {
    return page(title, body, null);
  }

  /**
   * The page skeleton around {@code body}, with one ES module from this origin ({@code script}, a literal
   * path of this code), or none. Never an inline script: the CSP allows {@code 'self'} only.
   */
  static String page(String title, String body, String script) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + esc(title) + " · ChatDesk demo</title>"
        + "<link rel=\"stylesheet\" href=\"/static/chatdesk.css\">"
        + (script == null ? "" : "<script type=\"module\" " + attr("src", script) + "></script>")
        + "</head>\n<body>"
        + "<header class=\"top\"><a class=\"brand\" href=\"/\">ChatDesk demo</a>"
        + "<nav><a href=\"/operator\">Operator console</a><a href=\"/events\">Events (JSON)</a></nav>"
        + "<span class=\"tagline\">lhn-secure-forms example</span></header>\n"
        + "<main>" + body + "</main></body></html>\n";
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
