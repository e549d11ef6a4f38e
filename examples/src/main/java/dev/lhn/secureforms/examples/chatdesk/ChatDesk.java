package dev.lhn.secureforms.examples.chatdesk;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.text.ConversationScanner;
import dev.lhn.secureforms.text.SensitiveText;
import dev.lhn.secureforms.text.SensitiveText.Finding;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host product's own state, in memory: conversations, their chat lines, the secure-form requests the
 * operator posted and the receipts of what visitors submitted. The library has no "list all submissions"
 * call by design: the host keeps its receipts (ids are not secret) and asks the library for each one's
 * status. A real product keeps this in its own database.
 */
public final class ChatDesk {
  /** The most conversations this demo keeps; the oldest go first. */
  static final int MAX_CONVERSATIONS = 1_000;

  /** Finds card numbers, card codes, expiries and SSNs in chat lines (#14). */
  static final SensitiveText DETECTOR = SensitiveText.defaults();
  private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** Opens a new conversation. */
  public Conversation open(Instant now) {
    if (conversations.size() >= MAX_CONVERSATIONS) {
      all().stream().reduce((a, b) -> b).ifPresent(oldest -> conversations.remove(oldest.id()));
    }
    Conversation c = new Conversation("c-" + token(9), now);
    conversations.put(c.id(), c);
    return c;
  }

  public Optional<Conversation> find(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(conversations.get(id));
  }

  /** Every conversation, newest first. */
  public List<Conversation> all() {
    List<Conversation> list = new ArrayList<>(conversations.values());
    list.sort(Comparator.comparing(Conversation::startedAt).thenComparing(Conversation::id).reversed());
    return list;
  }

  String token(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Who wrote a chat line. */
  public enum Author { VISITOR, OPERATOR, SYSTEM }

  /** One line of the chat timeline. */
  public sealed interface Entry permits Text, FormRequest {
    Instant at();
  }

  /** A plain chat message. Not encrypted: the visitor page says so. */
  public record Text(Author from, String text, Instant at) implements Entry {
    public Text {
      requireNonNull(from, "from");
      requireNonNull(text, "text");
      requireNonNull(at, "at");
    }
  }

  /**
   * The operator asked the visitor to fill in a secure form; {@code receipt} is set once it was submitted.
   * {@link #sealed()} is the library's form request ({@code SecureForms.requestForm}): the token and the
   * sealing key the visitor's page seals to (#13).
   */
  public static final class FormRequest implements Entry {
    private final String id;
    private final String formId;
    private final Instant at;
    private final dev.lhn.secureforms.sealed.FormRequest sealed;
    private volatile SubmissionReceipt receipt;
    private boolean submitting;

    FormRequest(String id, String formId, Instant at, dev.lhn.secureforms.sealed.FormRequest sealed) {
      this.id = id;
      this.formId = formId;
      this.at = at;
      this.sealed = requireNonNull(sealed, "sealed");
    }

    /** The library's form request the visitor's page seals to: not secret, single use, bound to this conversation. */
    public dev.lhn.secureforms.sealed.FormRequest sealed() {
      return sealed;
    }

    public String id() {
      return id;
    }

    public String formId() {
      return formId;
    }

    @Override
    public Instant at() {
      return at;
    }

    /** The receipt of the visitor's submission, or {@code null} while pending. */
    public SubmissionReceipt receipt() {
      return receipt;
    }
  }

  /** One conversation: a visitor, the operator, a timeline. Thread-safe. */
  public final class Conversation {
    private final String id;
    private final Instant startedAt;
    private final List<Entry> entries = new ArrayList<>();
    private final List<SubmissionReceipt> receipts = new ArrayList<>();
    private Instant endedAt;
    private final ConversationScanner visitorScanner = DETECTOR.conversation();
    /** The timeline index of each visitor line, by the scanner's message index. */
    private final List<Integer> visitorLines = new ArrayList<>();
    private boolean sensitiveTyped;

    private Conversation(String id, Instant startedAt) {
      this.id = id;
      this.startedAt = startedAt;
    }

    public String id() {
      return id;
    }

    public Instant startedAt() {
      return startedAt;
    }

    public synchronized Instant endedAt() {
      return endedAt;
    }

    public synchronized boolean ended() {
      return endedAt != null;
    }

    /** The timeline, oldest first (a copy). */
    public synchronized List<Entry> entries() {
      return List.copyOf(entries);
    }

    /** The receipts of every submission of this conversation, oldest first (a copy). */
    public synchronized List<SubmissionReceipt> receipts() {
      return List.copyOf(receipts);
    }

    /** Whether {@code id} is a submission of this conversation. */
    public synchronized boolean has(SubmissionId id) {
      return receipts.stream().anyMatch(r -> r.id().equals(id));
    }

    /**
     * Adds a chat line, with every card number, card code, expiry and SSN in it redacted before it is
     * stored (#14): the transcript never holds them. A visitor's lines go through one scanner per
     * conversation, so a number typed over two messages is redacted in both; the visitor is told why, and
     * the operator's console offers the card form in one click.
     */
    synchronized void say(Author from, String text, Instant at) {
      if (entries.size() >= 500) {
        return;
      }
      List<Finding> found;
      int index = 0;
      if (from == Author.VISITOR) {
        found = visitorScanner.scan(text);
        index = visitorLines.size();
        visitorLines.add(entries.size());
      } else {
        found = DETECTOR.scan(text);
      }
      for (Finding f : found) {
        if (f.messageIndex() != index && f.messageIndex() < visitorLines.size()) {
          int at0 = visitorLines.get(f.messageIndex());
          Text earlier = (Text) entries.get(at0);
          entries.set(at0, new Text(earlier.from(), SensitiveText.redact(earlier.text(), List.of(f), f.messageIndex()),
              earlier.at()));
        }
      }
      entries.add(new Text(from, SensitiveText.redact(text, found, index), at));
      if (!found.isEmpty()) {
        sensitiveTyped = true;
        entries.add(new Text(Author.SYSTEM, from == Author.VISITOR
            ? "Your message contained card or identity details, so they were removed before it was stored: chat"
                + " messages are not encrypted. The operator can send you a secure form for them."
            : "Card or identity details were removed from the operator's message before it was stored.", at));
      }
    }

    /** Whether card or identity details were typed into the chat (and removed). */
    public synchronized boolean sensitiveTyped() {
      return sensitiveTyped;
    }

    synchronized FormRequest request(String formId, Instant at, dev.lhn.secureforms.sealed.FormRequest sealed) {
      FormRequest r = new FormRequest("r-" + token(6), formId, at, sealed);
      entries.add(r);
      return r;
    }

    synchronized Optional<FormRequest> findRequest(String requestId) {
      return entries.stream().filter(e -> e instanceof FormRequest r && r.id().equals(requestId))
          .map(FormRequest.class::cast).findFirst();
    }

    /**
     * Takes a request for one submission attempt; false if it was answered already or another attempt
     * is running (a double click): the visitor's form is stored at most once per request.
     */
    synchronized boolean beginSubmit(FormRequest request) {
      if (request.receipt != null || request.submitting || endedAt != null) {
        return false;
      }
      request.submitting = true;
      return true;
    }

    /** Ends a submission attempt: with the receipt if it was stored, {@code null} if it was rejected. */
    synchronized void endSubmit(FormRequest request, SubmissionReceipt receipt) {
      request.submitting = false;
      if (receipt != null) {
        request.receipt = receipt;
        receipts.add(receipt);
      }
    }

    synchronized boolean end(Instant at) {
      if (endedAt != null) {
        return false;
      }
      endedAt = at;
      visitorScanner.close();
      entries.add(new Text(Author.SYSTEM, "The operator ended the conversation.", at));
      return true;
    }
  }
}
