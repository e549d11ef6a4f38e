package dev.lhn.secureforms.examples.chatdesk;

import static dev.lhn.secureforms.examples.chatdesk.Html.attr;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.SubmissionStatus;
import dev.lhn.secureforms.Violation;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Conversation;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Entry;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.FormRequest;
import dev.lhn.secureforms.examples.chatdesk.ChatDesk.Text;
import dev.lhn.secureforms.examples.chatdesk.Sessions.Session;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Classification;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FieldType;
import dev.lhn.secureforms.schema.FormSchema;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The chat desk's HTML. Everything dynamic goes through {@link Html#esc}. */
final class Pages {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final Map<String, FormSchema> schemas;
  private final SecureForms forms;
  private final InstantSource clock;
  private final String operatorId;

  Pages(Map<String, FormSchema> schemas, SecureForms forms, InstantSource clock, String operatorId) {
    this.schemas = schemas;
    this.forms = forms;
    this.clock = clock;
    this.operatorId = operatorId;
  }

  // ------------------------------------------------------------------ home

  String home(Session s) {
    Html h = new Html();
    h.raw("<section class=\"card intro\"><h1>ChatDesk</h1>")
        .raw("<p>A small help desk that embeds <strong>lhn-secure-forms</strong>: the operator asks for a card "
            + "payment or a patient intake in the chat, the visitor fills it in, every field is encrypted before "
            + "it is stored, the operator can reveal it as often as the form allows (once, for the card), and it "
            + "is purged on schedule.</p>")
        .raw("<div class=\"two\"><div><h2>1. Be the visitor</h2>")
        .raw("<form method=\"post\" action=\"/chat\">").hidden("csrf", s.csrfToken())
        .raw("<button type=\"submit\" id=\"start-chat\">Start a chat</button></form></div>")
        .raw("<div><h2>2. Be the operator</h2><p><a id=\"open-console\" href=\"/operator\">Open the operator "
            + "console</a> in another tab.</p></div></div>")
        .raw("<p class=\"hint\">The events a host would post to its webhooks: <a href=\"/events\">/events</a> "
            + "(JSON, metadata only).</p></section>");
    return h.toString();
  }

  // ------------------------------------------------------------------ visitor

  String visitor(Session s, Conversation c, FormRequest failed, InvalidSubmissionException errors,
      Map<String, String> kept) {
    Html h = new Html();
    h.raw("<section class=\"card chat-panel\"><h1>Chat with Support</h1>")
        .raw("<p class=\"meta\">Conversation <code>").text(c.id()).raw("</code>")
        .raw(c.ended() ? " · <span class=\"badge ended\">ended</span>" : "")
        .raw(" · <a href=\"/chat/").text(c.id()).raw("\">refresh</a></p><ol class=\"chat\">");
    for (Entry e : c.entries()) {
      if (e instanceof Text t) {
        h.raw("<li class=\"msg from-" + t.from().name().toLowerCase(java.util.Locale.ROOT) + "\">")
            .el("span", "class=\"who\"", switch (t.from()) {
              case VISITOR -> "You";
              case OPERATOR -> "Operator";
              case SYSTEM -> "ChatDesk";
            })
            .el("span", "class=\"text\"", t.text()).el("time", "", TIME.format(t.at())).raw("</li>");
      } else if (e instanceof FormRequest r) {
        visitorRequest(h, s, c, r, r == failed ? errors : null, r == failed ? kept : Map.of());
      }
    }
    h.raw("</ol><div id=\"bottom\"></div>");
    if (!c.ended()) {
      h.raw("<form class=\"say\" method=\"post\" " + attr("action", "/chat/" + c.id() + "/messages") + ">")
          .hidden("csrf", s.csrfToken())
          .raw("<label for=\"say-text\">Message</label><input id=\"say-text\" name=\"text\" maxlength=\"1000\" "
              + "autocomplete=\"off\"><button type=\"submit\">Send</button>")
          .raw("<p class=\"hint\">Chat messages are not encrypted: never type card or health data here. "
              + "Use the secure forms the operator sends.</p></form>");
    }
    h.raw("</section>");
    return h.toString();
  }

  private void visitorRequest(Html h, Session s, Conversation c, FormRequest r, InvalidSubmissionException errors,
      Map<String, String> kept) {
    FormSchema schema = schemas.get(r.formId());
    h.raw("<li class=\"msg from-operator secure-request\" " + attr("id", r.id()) + ">")
        .el("span", "class=\"who\"", "Operator")
        .raw("<div class=\"text\"><p>Please fill in this secure form: <strong>").text(schema.title())
        .raw("</strong></p>");
    SubmissionReceipt receipt = r.receipt();
    if (receipt != null) {
      h.raw("<p class=\"sent\" " + attr("id", "sent-" + r.id()) + ">&#10003; Sent securely at ")
          .text(TIME.format(receipt.submittedAt())).raw(". Only the operator can view it, ")
          .text(views(schema)).raw(".</p>");
    } else if (c.ended()) {
      h.raw("<p class=\"hint\">This conversation has ended; the form can no longer be sent.</p>");
    } else {
      sealedForm(h, s, c, r, schema, errors != null);
      // Without JavaScript only: a plain form, encrypted on the server, and marked so. A page with scripts
      // never renders it (a rejected plain submission, shown again, keeps it visible beside the message).
      if (errors == null) {
        h.raw("<noscript>");
      }
      h.raw("<div class=\"fallback\"><p class=\"notice\" " + attr("id", "fallback-" + r.id()) + "><strong>"
          + "JavaScript is off, so this form is not encrypted in your browser.</strong> What you type is sent over "
          + "the connection to this site as typed and encrypted when it arrives. To have it encrypted on this "
          + "page before it is sent, turn JavaScript on and reload.</p>");
      secureForm(h, s, c, r, schema, errors, kept);
      h.raw("</div>");
      if (errors == null) {
        h.raw("</noscript>");
      }
    }
    h.raw("</div>").el("time", "", TIME.format(r.at())).raw("</li>");
  }

  /**
   * Where {@code sealed-visitor.js} renders the form with the browser module: the schema, the library's form
   * request (token and sealing key, not secret), the retention promise, where to post and the CSRF token,
   * all in escaped attributes (no inline script). Until the script runs it says what it waits for.
   */
  private void sealedForm(Html h, Session s, Conversation c, FormRequest r, FormSchema schema, boolean afterPlainError) {
    if (afterPlainError) {
      return; // the plain form's errors are on show; the page reloads into the sealed form
    }
    h.raw("<div class=\"sealed-form\" " + attr("id", "sealed-" + r.id()) + " " + attr("data-lsf-id", r.id()) + " "
            + attr("data-lsf-schema", schema.toJson()) + " " + attr("data-lsf-request", r.sealed().toJson()) + " "
            + attr("data-lsf-retention", retentionPromise(schema)) + " "
            + attr("data-lsf-action", "/chat/" + c.id() + "/forms/" + r.id() + "/sealed") + " "
            + attr("data-lsf-csrf", s.csrfToken()) + ">")
        .raw("<p class=\"hint\">Loading the secure form. It encrypts your answers on this page, so it needs "
            + "JavaScript.</p></div>");
  }

  /** The retention promise the visitor reads before sending: who may view it, how often, and when it is deleted. */
  static String retentionPromise(FormSchema schema) {
    StringBuilder b = new StringBuilder("Kept encrypted until the operator has viewed it ")
        .append(views(schema)).append(", then deleted; in any case deleted ").append(retention(schema.retention()));
    for (Field f : schema.fields()) {
      RetentionPolicy fr = f.retention();
      if (fr != null && !fr.isNone()) {
        b.append(". The ").append(f.label().toLowerCase(java.util.Locale.ROOT)).append(" is deleted ")
            .append(retention(fr));
      }
    }
    return b.append('.').toString();
  }

  private void secureForm(Html h, Session s, Conversation c, FormRequest r, FormSchema schema,
      InvalidSubmissionException errors, Map<String, String> kept) {
    h.raw("<form class=\"secure-form\" method=\"post\" novalidate autocomplete=\"off\" "
            + attr("action", "/chat/" + c.id() + "/forms/" + r.id()) + " " + attr("id", "form-" + r.id()) + ">")
        .hidden("csrf", s.csrfToken());
    if (errors != null) {
      h.raw("<p class=\"error summary\" role=\"alert\">Please correct the highlighted fields. "
          + "For your safety, sensitive fields were cleared.</p>");
      for (Violation v : errors.violationsOf("*")) {
        h.el("p", "class=\"error\"", v.message());
      }
    }
    for (Field f : schema.fields()) {
      List<Violation> mine = errors == null ? List.of() : errors.violationsOf(f.name());
      String id = "f-" + r.id() + "-" + f.name();
      String errId = "err-" + r.id() + "-" + f.name();
      h.raw("<div class=\"field" + (mine.isEmpty() ? "" : " invalid") + "\">")
          .raw("<label " + attr("for", id) + ">").text(f.label())
          .raw(f.required() ? "" : " <span class=\"optional\">(optional)</span>").raw("</label>");
      String common = attr("id", id) + " " + attr("name", f.name())
          + (mine.isEmpty() ? "" : " aria-invalid=\"true\" " + attr("aria-describedby", errId));
      // Only a field classified NONE gets its value back after a rejected submit; the others stay empty.
      String value = f.classification() == Classification.NONE ? kept.getOrDefault(f.name(), "") : "";
      switch (f.type()) {
        case MULTILINE -> h.raw("<textarea " + common + " rows=\"4\" " + attr("maxlength", "" + f.maxLength())
            + "></textarea>");
        case CHOICE -> {
          h.raw("<select " + common + "><option value=\"\">Choose...</option>");
          for (String o : f.options()) {
            h.raw("<option " + attr("value", o) + (o.equals(value) ? " selected" : "") + ">").text(o).raw("</option>");
          }
          h.raw("</select>");
        }
        default -> h.raw("<input type=\"" + inputType(f) + "\" " + common + " " + attr("value", value)
            + " " + attr("maxlength", "" + f.maxLength()) + inputHints(f) + ">");
      }
      if (!mine.isEmpty()) {
        h.raw("<p class=\"error\" " + attr("id", errId) + ">");
        for (Violation v : mine) {
          h.text(v.message()).raw(" <span class=\"rule\">[").text(v.rule()).raw("]</span> ");
        }
        h.raw("</p>");
      }
      h.raw("</div>");
    }
    h.raw("<button type=\"submit\" class=\"primary\">Send securely</button>")
        .raw("<p class=\"hint\">Encrypted field by field before it is stored. The operator can view it ")
        .text(views(schema)).raw("; it is purged ").text(retention(schema.retention())).raw(".</p></form>");
  }

  private static String inputType(Field f) {
    return switch (f.type()) {
      case EMAIL -> "email";
      case PHONE -> "tel";
      case CARD_CVC -> "password";
      default -> "text";
    };
  }

  private static String inputHints(Field f) {
    return switch (f.type()) {
      case CARD_NUMBER -> " inputmode=\"numeric\" autocomplete=\"cc-number\" placeholder=\"1234 5678 9012 3456\"";
      case CARD_EXPIRY -> " inputmode=\"numeric\" autocomplete=\"cc-exp\" placeholder=\"MM/YY\"";
      case CARD_CVC -> " inputmode=\"numeric\" autocomplete=\"off\"";
      case US_SSN -> " inputmode=\"numeric\" placeholder=\"AAA-GG-SSSS\"";
      case DATE -> " placeholder=\"YYYY-MM-DD\"";
      default -> "";
    };
  }

  // ------------------------------------------------------------------ operator console

  String console(Session s, List<Conversation> conversations, List<String> events, Integer purged) {
    Instant now = clock.instant();
    Html h = new Html();
    h.raw("<section class=\"card\"><h1>Operator console</h1><p class=\"meta\">Signed in as <strong>")
        .text(operatorId).raw("</strong> (a demo: a real host authenticates its operators) · clock ")
        .text(DATE_TIME.format(now)).raw(" · <a href=\"/operator\">refresh</a></p>");
    if (purged != null) {
      h.raw("<p class=\"notice\" id=\"purge-result\">").text("Purged " + purged + " due submission(s) and field(s).")
          .raw("</p>");
    }
    h.raw("<form method=\"post\" action=\"/operator/purge-due\" class=\"inline\">").hidden("csrf", s.csrfToken())
        .raw("<button type=\"submit\" id=\"purge-due\">Purge due now</button></form>")
        .raw(" <span class=\"hint\">(the retention scheduler does this every few seconds; "
            + "reads never show a due submission either way)</span></section>");
    if (conversations.isEmpty()) {
      h.raw("<section class=\"card\"><p>No conversations yet. <a href=\"/\">Start one as a visitor</a>.</p></section>");
    }
    for (Conversation c : conversations) {
      conversation(h, s, c, now);
    }
    h.raw("<section class=\"card\"><h2>Latest events</h2><p class=\"hint\">What a host posts to its webhooks: "
        + "metadata only, never a value. All of them: <a href=\"/events\">/events</a></p><pre class=\"events\">");
    List<String> last = events.subList(Math.max(0, events.size() - 10), events.size());
    for (int i = last.size() - 1; i >= 0; i--) {
      h.text(last.get(i)).raw("\n");
    }
    h.raw("</pre></section>");
    return h.toString();
  }

  private void conversation(Html h, Session s, Conversation c, Instant now) {
    String base = "/operator/conversations/" + c.id();
    h.raw("<section class=\"card conversation\" " + attr("id", c.id()) + "><h2>Conversation <code>").text(c.id())
        .raw("</code> ").raw(c.ended() ? "<span class=\"badge ended\">ended</span>" : "<span class=\"badge\">active</span>")
        .raw("</h2><p class=\"meta\">Started ").text(DATE_TIME.format(c.startedAt()))
        .raw(" · <a " + attr("href", "/chat/" + c.id()) + ">visitor's view</a></p>");
    h.raw("<ol class=\"chat compact\">");
    List<Entry> entries = c.entries();
    for (Entry e : entries.subList(Math.max(0, entries.size() - 6), entries.size())) {
      if (e instanceof Text t) {
        h.raw("<li>").el("span", "class=\"who\"", t.from().name().toLowerCase(java.util.Locale.ROOT))
            .el("span", "class=\"text\"", t.text()).raw("</li>");
      } else if (e instanceof FormRequest r) {
        h.raw("<li>").el("span", "class=\"who\"", "operator")
            .el("span", "class=\"text\"", "requested " + schemas.get(r.formId()).title()
                + (r.receipt() == null ? " (waiting for the visitor)" : " (sent)"))
            .raw("</li>");
      }
    }
    h.raw("</ol>");
    if (!c.ended() && c.sensitiveTyped()) {
      // #14: the visitor typed card or identity details into the chat; they were removed. One click offers
      // the secure form that collects them properly.
      h.raw("<div class=\"notice\" role=\"status\"><p>The visitor typed card or identity details into the chat;"
          + " they were removed from the transcript.</p><form method=\"post\" class=\"inline\" "
          + attr("action", base + "/requests") + ">").hidden("csrf", s.csrfToken());
      for (FormSchema f : schemas.values()) {
        if (f.fields().stream().anyMatch(x -> x.type() == dev.lhn.secureforms.schema.FieldType.CARD_NUMBER)) {
          h.raw("<button type=\"submit\" name=\"form\" " + attr("value", f.formId()) + " "
              + attr("id", "offer-" + f.formId() + "-" + c.id()) + ">").text("Send the " + f.title().toLowerCase(java.util.Locale.ROOT))
              .raw("</button>");
        }
      }
      h.raw("</form></div>");
    }
    if (!c.ended()) {
      h.raw("<div class=\"actions\"><form method=\"post\" class=\"inline\" " + attr("action", base + "/requests") + ">")
          .hidden("csrf", s.csrfToken());
      for (FormSchema f : schemas.values()) {
        h.raw("<button type=\"submit\" name=\"form\" " + attr("value", f.formId()) + " "
            + attr("id", "request-" + f.formId() + "-" + c.id()) + ">").text("Request " + f.title().toLowerCase(java.util.Locale.ROOT))
            .raw("</button> ");
      }
      h.raw("</form><form method=\"post\" class=\"inline say\" " + attr("action", base + "/messages") + ">")
          .hidden("csrf", s.csrfToken())
          .raw("<input name=\"text\" maxlength=\"1000\" autocomplete=\"off\" aria-label=\"Reply\" placeholder=\"Reply...\">"
              + "<button type=\"submit\">Send</button></form></div>");
    }
    List<SubmissionReceipt> receipts = c.receipts();
    if (!receipts.isEmpty()) {
      h.raw("<table class=\"submissions\"><thead><tr><th>Form</th><th>Submitted</th><th>Masked preview</th>"
          + "<th>Views left</th><th>Purge</th><th></th></tr></thead><tbody>");
      for (SubmissionReceipt r : receipts) {
        submissionRow(h, s, r, now);
      }
      h.raw("</tbody></table>");
    }
    if (!c.ended()) {
      h.raw("<form method=\"post\" class=\"end\" " + attr("action", base + "/end") + ">").hidden("csrf", s.csrfToken())
          .raw("<button type=\"submit\" class=\"danger\" " + attr("id", "end-" + c.id()) + ">End conversation</button>"
              + " <span class=\"hint\">starts each form's after-conversation purge clock</span></form>");
    }
    h.raw("</section>");
  }

  private void submissionRow(Html h, Session s, SubmissionReceipt r, Instant now) {
    FormSchema schema = schemas.get(r.formId());
    Optional<SubmissionStatus> status = forms.status(r.id()); // never decrypts, never takes a view
    String rowId = "sub-" + r.id();
    h.raw("<tr " + attr("id", rowId) + " " + attr("data-state", status.isPresent() ? "pending" : "gone") + ">")
        .el("td", "", schema == null ? r.formId() : schema.title())
        .el("td", "", TIME.format(r.submittedAt()));
    if (status.isEmpty()) {
      h.raw("<td colspan=\"3\" class=\"gone\">gone: revealed as often as allowed, or purged</td><td></td></tr>");
      return;
    }
    SubmissionStatus st = status.get();
    h.raw("<td><ul class=\"preview\">");
    if (schema != null) {
      for (Field f : schema.fields()) {
        String masked = st.preview().get(f.name());
        if (masked != null) {
          h.raw("<li>").el("span", "class=\"label\"", f.label()).raw(" ").el("span", "class=\"masked\"", masked).raw("</li>");
        }
      }
    }
    h.raw("</ul></td>")
        .el("td", "class=\"views\"", st.viewsLeft() + " of " + st.maxViews())
        .raw("<td class=\"purge\">in ").text(left(Duration.between(now, st.purgeAt())))
        .raw("<br><span class=\"hint\">").text(DATE_TIME.format(st.purgeAt()))
        .raw(st.conversationEndedAt() == null ? "" : "<br>conversation ended").raw("</span></td><td>")
        .raw("<form method=\"post\" action=\"/operator/reveal\">").hidden("csrf", s.csrfToken())
        .hidden("submission", r.id().toString())
        .raw("<button type=\"submit\" class=\"reveal primary\" " + attr("id", "reveal-" + r.id()) + ">Reveal</button>"
            + "</form></td></tr>");
  }

  // ------------------------------------------------------------------ reveal

  String revealed(RevealedSubmission r, Conversation c, FormSchema schema) {
    Html h = new Html();
    h.raw("<section class=\"card revealed\"><h1>").text(schema.title()).raw(" <span class=\"badge\">revealed</span></h1>")
        .raw("<p class=\"meta\">Submission <code>").text(r.id().toString()).raw("</code> · conversation <code>")
        .text(c.id()).raw("</code> · revealed to <strong>").text(operatorId).raw("</strong> at ")
        .text(DATE_TIME.format(clock.instant())).raw("</p><table class=\"values\"><tbody>");
    for (Field f : schema.fields()) {
      h.raw("<tr>").el("th", "", f.label());
      if (r.has(f.name())) {
        String v = r.value(f.name());
        h.el("td", "class=\"value\" " + attr("id", "value-" + f.name()),
            f.type() == FieldType.CARD_NUMBER ? groupsOfFour(v) : v);
      } else {
        h.el("td", "class=\"absent\" " + attr("id", "value-" + f.name()), "(not stored: purged or left empty)");
      }
      h.raw("</tr>");
    }
    h.raw("</tbody></table>");
    if (r.viewsLeft() == 0) {
      h.raw("<p class=\"notice\" id=\"reveal-outcome\">This was the last allowed view: the submission is now "
          + "purged. Copy what you need now; this page is not cached and cannot be shown again.</p>");
    } else {
      h.raw("<p class=\"notice\" id=\"reveal-outcome\">").text(r.viewsLeft() + (r.viewsLeft() == 1 ? " view" : " views")
          + " left. This page is not cached; revealing again takes another view.").raw("</p>");
    }
    h.raw("<p><a href=\"/operator\">Back to the console</a></p></section>");
    return h.toString();
  }

  String gone(SubmissionId id, Conversation c, java.util.List<dev.lhn.secureforms.journal.JournalRecord> history) {
    Html h = new Html();
    h.raw("<section class=\"card\"><h1 id=\"gone\">Nothing to reveal</h1><p>Submission <code>").text(id.toString())
        .raw("</code> of conversation <code>").text(c.id())
        .raw("</code> is gone: it was revealed as often as its form allows, or purged. Nothing was shown.</p>");
    h.raw("<ul id=\"history\">");
    for (dev.lhn.secureforms.journal.JournalRecord r : history) {
      String at = r.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
      switch (r.event()) {
        case REVEALED -> h.raw("<li>").text("revealed by " + r.operatorId() + " at " + at).raw("</li>");
        case PURGED -> h.raw("<li>").text("purged: " + r.detail() + " at " + at).raw("</li>");
        default -> { }
      }
    }
    h.raw("</ul>")
        .raw("<p><a href=\"/operator\">Back to the console</a></p></section>");
    return h.toString();
  }

  // ------------------------------------------------------------------ words

  static String views(FormSchema schema) {
    int n = schema.revealPolicy().maxViews();
    return n == 1 ? "once" : "up to " + n + " times";
  }

  static String retention(RetentionPolicy p) {
    StringBuilder b = new StringBuilder();
    if (p.afterConversationEnd() != null) {
      b.append(p.afterConversationEnd().isZero() ? "when the conversation ends"
          : human(p.afterConversationEnd()) + " after the conversation ends");
    }
    if (p.maxAge() != null) {
      b.append(b.length() == 0 ? "" : ", and at the latest ").append(human(p.maxAge())).append(" after you send it");
    }
    return b.toString();
  }

  /** "1 hour", "24 hours", "30 minutes", else the short form. */
  static String human(Duration d) {
    long s = d.toSeconds();
    if (s > 0 && s % 3600 == 0) {
      return s / 3600 + (s == 3600 ? " hour" : " hours");
    }
    if (s > 0 && s % 60 == 0 && s < 3600) {
      return s / 60 + (s == 60 ? " minute" : " minutes");
    }
    return left(d);
  }

  static String left(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 3600) {
      return s / 3600 + "h " + (s % 3600) / 60 + "m";
    }
    if (s >= 60) {
      return s / 60 + "m " + s % 60 + "s";
    }
    return s + "s";
  }

  static String groupsOfFour(String digits) {
    StringBuilder b = new StringBuilder(digits.length() + 5);
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && i % 4 == 0) {
        b.append(' ');
      }
      b.append(digits.charAt(i));
    }
    return b.toString();
  }
}
