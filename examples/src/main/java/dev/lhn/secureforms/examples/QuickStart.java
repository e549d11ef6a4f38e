package dev.lhn.secureforms.examples;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.SubmissionStatus;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.Violation;
import dev.lhn.secureforms.journal.JournalVerification;
import dev.lhn.secureforms.spi.StoredRecord;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FieldType;
import dev.lhn.secureforms.schema.FormSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The quick start: the whole life of a secure form in one run, on embedded H2, with a manual clock.
 *
 * <p>Run it from the repository root with {@code ./mvnw -q -pl examples -am package -DskipTests -Pquickstart}.
 * Its one argument is the data directory (default {@code target/quickstart}); it keeps the H2 database of
 * submissions, a second H2 database of epoch keys (outside the submissions' backup domain, docs/KEYS.md)
 * and the demo key-encryption key there.
 */
public final class QuickStart {
  private static final String RULE = "-".repeat(96);
  /** The card number of step 3, one digit off (fails the Luhn check); QuickStartTest checks it is never printed. */
  static final String MISTYPED_PAN = "4242 4242 4242 4241";

  private final PrintStream out;
  private final ManualClock clock;
  private final Instant start;

  private QuickStart(PrintStream out, ManualClock clock) {
    this.out = out;
    this.clock = clock;
    this.start = clock.instant();
  }

  public static void main(String[] args) {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "target/quickstart");
    run(System.out, dataDir);
  }

  /** Tells the story on {@code out}, keeping the database and the demo KEK in {@code dataDir}. */
  public static void run(PrintStream out, Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    ManualClock clock = new ManualClock(InstantSource.system().instant().truncatedTo(ChronoUnit.SECONDS));
    new QuickStart(out, clock).tell(dataDir);
  }

  private void tell(Path dataDir) {
    out.println("lhn-secure-forms quick start");
    out.println(RULE);
    DemoKek kek = DemoKek.loadOrCreate(dataDir.resolve("demo-kek.json"));
    out.println((kek.created() ? "Created" : "Reused") + " the demo key-encryption key.");
    out.println(kek.warning());
    out.println(RULE);

    List<FormEvent> events = new ArrayList<>();
    try (DemoDatabase db = DemoDatabase.h2File(dataDir, "quickstart-db");
        DemoDatabase keys = DemoDatabase.h2File(dataDir, "quickstart-keys"); // another database, other backups
        SecureForms forms = SecureForms.builder()
            .keyEncryptionKey(kek.aead())
            .store(db.submissionStore())
            .epochKeyStore(keys.epochKeyStore())               // wrapped by the KEK, destroyed on schedule
            .clock(clock)                                      // the demo moves time itself...
            .retentionScheduler(RetentionScheduler.disabled()) // ...so it also calls purgeDue() itself
            .outbox(true)                                      // journal records also as outbox rows
            .listener(events::add)                             // where a host would feed its webhooks
            .build()) {
      out.println("Store: JDBC on embedded H2, " + db.description());
      out.println("Epoch keys: JDBC on a second embedded H2, " + keys.description()
          + " (outside the submissions' backup domain)");
      story(forms, db, events);
    }
  }

  private void story(SecureForms forms, DemoDatabase db, List<FormEvent> events) {
    FormSchema card = DemoForms.cardPayment();
    FormSchema intake = DemoForms.hipaaIntake();
    String conversation = "chat-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));

    step(1, "Define two forms (FormSchema.builder)");
    describe(card);
    describe(intake);

    step(2, "The visitor in conversation " + conversation + " fills in both forms; each is encrypted field by field");
    SubmissionReceipt cardReceipt = forms.submit(card, conversation, cardValues());
    SubmissionReceipt intakeReceipt = forms.submit(intake, conversation, intakeValues());
    for (SubmissionReceipt r : List.of(cardReceipt, intakeReceipt)) {
      out.printf("   %-13s -> submission %s, purge at %s%n", r.formId(), r.id(), when(r.purgeAt()));
    }

    step(3, "A mistyped card is rejected before anything is stored: field and rule, never the value");
    try {
      Map<String, String> typo = new LinkedHashMap<>(cardValues());
      typo.put("pan", MISTYPED_PAN);
      typo.put("exp", "01/20");
      typo.put("cvc", "12");
      forms.submit(card, conversation, typo);
      out.println("   (accepted?!)");
    } catch (InvalidSubmissionException e) {
      out.println("   InvalidSubmissionException, " + e.violations().size() + " violations:");
      for (Violation v : e.violations()) {
        out.printf("     %-10s %-14s %s%n", v.field(), "[" + v.rule() + "]", v.message());
      }
    }

    step(4, "The operator's console shows the masked status: no decryption, no view taken");
    printStatus(card, forms.status(cardReceipt.id()));
    printStatus(intake, forms.status(intakeReceipt.id()));

    step(5, "The card code is sensitive authentication data (PCI DSS): it must not outlive the payment's\n"
        + "   authorisation. The host purges it on demand; no key is needed, its ciphertext is dropped");
    boolean cvcPurged = forms.purgeField(cardReceipt.id(), "cvc", Viewer.of("op-7"));
    out.println("   purgeField(card, \"cvc\") -> " + cvcPurged + "; still stored: "
        + forms.status(cardReceipt.id()).map(s -> String.join(", ", ordered(card, s.preview()).keySet()))
            .orElse("nothing"));

    step(6, "Operator op-7 reveals the card payment (view once: this reveal also purges it)");
    try (RevealedSubmission r = forms.reveal(cardReceipt.id(), Viewer.of("op-7")).orElseThrow()) {
      printRevealed(card, r);
      out.println("   views left: " + r.viewsLeft() + (r.viewsLeft() == 0 ? " -> the submission is gone" : ""));
    }

    step(7, "A second reveal (another operator, a double click, a link scanner) finds nothing");
    Optional<RevealedSubmission> again = forms.reveal(cardReceipt.id(), Viewer.of("op-9"));
    out.println("   second reveal -> " + (again.isPresent() ? "FOUND (bug!)" : "nothing (Optional.empty)")
        + "; status -> " + (forms.status(cardReceipt.id()).isPresent() ? "present" : "gone"));
    again.ifPresent(RevealedSubmission::close);

    step(8, "Nurse nurse-12 reveals the intake (this form allows 2 views)");
    try (RevealedSubmission r = forms.reveal(intakeReceipt.id(), Viewer.of("nurse-12")).orElseThrow()) {
      printRevealed(intake, r);
      out.println("   views left: " + r.viewsLeft());
    }

    step(9, "The conversation ends");
    int updated = forms.conversationEnded(conversation);
    out.println("   conversationEnded(\"" + conversation + "\") -> " + updated + " submission(s) updated");
    forms.status(intakeReceipt.id()).ifPresent(s ->
        out.println("   hipaa-intake " + s.id() + ": purge moved to " + when(s.purgeAt())));

    step(10, "One hour later (the demo's manual clock moves; nothing sleeps)");
    clock.advance(Duration.ofHours(1));
    out.println("   clock: " + clock.instant());
    out.println("   status(intake) -> " + (forms.status(intakeReceipt.id()).isPresent() ? "present" : "gone")
        + ": a due submission is never shown nor revealed, even before the purge runs");
    int purged = forms.purgeDue();
    out.println("   purgeDue() -> " + purged + " purged (what RetentionScheduler runs every few seconds)");

    step(11, "The journal: every record written with its change, metadata only, chained with a forward-secure MAC");
    printJournal(forms, db);
  }

  // ------------------------------------------------------------------ the visitor's values

  private Map<String, String> cardValues() {
    int expiryYear = clock.instant().atZone(ZoneOffset.UTC).getYear() + 3;
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Ada Lovelace");
    v.put("pan", "4242 4242 4242 4242");
    v.put("exp", "12/" + (expiryYear % 100));
    v.put("cvc", "123");
    v.put("postalCode", "94107");
    v.put("email", "ada@Example.COM");
    return v;
  }

  private static Map<String, String> intakeValues() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", "Grace Hopper");
    v.put("birthDate", "1956-12-09");
    v.put("ssn", "123-45-6789");
    v.put("memberId", "XJH-4471-0093");
    v.put("visitType", "New patient");
    v.put("symptoms", "Sore throat for three days.\nMild fever at night.");
    return v;
  }

  // ------------------------------------------------------------------ printing

  private void step(int n, String title) {
    out.println();
    out.println(n + ". " + title);
  }

  private void describe(FormSchema form) {
    out.printf("   %s v%d \"%s\": %s; purged %s%n", form.formId(), form.version(), form.title(),
        form.revealPolicy().maxViews() == 1 ? "view once" : form.revealPolicy().maxViews() + " views",
        retention(form.retention()));
    for (Field f : form.fields()) {
      String notes = (f.required() ? "" : "optional")
          + (f.retention().isNone() ? "" : "own retention: purged " + retention(f.retention()));
      out.println(String.format("     %-10s %-12s %-8s preview %-17s %s", f.name(), f.type(), f.classification(),
          f.masking(), notes).stripTrailing());
    }
  }

  private static String retention(RetentionPolicy p) {
    List<String> parts = new ArrayList<>();
    if (p.maxAge() != null) {
      parts.add(duration(p.maxAge()) + " after submission");
    }
    if (p.afterConversationEnd() != null) {
      parts.add(p.afterConversationEnd().isZero() ? "the moment the conversation ends"
          : duration(p.afterConversationEnd()) + " after the conversation ends");
    }
    return String.join(", or ", parts);
  }

  private void printStatus(FormSchema form, Optional<SubmissionStatus> status) {
    if (status.isEmpty()) {
      out.println("   " + form.formId() + ": gone");
      return;
    }
    SubmissionStatus s = status.get();
    out.printf("   %s %s: views left %d of %d, purge at %s%n", s.formId(), s.id(), s.viewsLeft(),
        s.maxViews(), when(s.purgeAt()));
    ordered(form, s.preview()).forEach((name, masked) -> out.printf("     %-10s %s%n", name, masked));
  }

  /** Previews in form order ({@link SubmissionStatus#preview()} is an unordered map). */
  private static Map<String, String> ordered(FormSchema form, Map<String, String> preview) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Field f : form.fields()) {
      if (preview.containsKey(f.name())) {
        m.put(f.name(), preview.get(f.name()));
      }
    }
    return m;
  }

  private void printRevealed(FormSchema form, RevealedSubmission r) {
    for (Field f : form.fields()) {
      String shown;
      if (!r.has(f.name())) {
        shown = "(not stored: purged or left empty)";
      } else if (f.type() == FieldType.CARD_NUMBER) {
        shown = groupsOfFour(r.value(f.name()));
      } else {
        shown = r.value(f.name()).replace("\n", "\n" + " ".repeat(33));
      }
      out.printf("     %-27s %s%n", f.label(), shown);
    }
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

  private void printJournal(SecureForms forms, DemoDatabase db) {
    int chained = forms.sealJournal(); // what the scheduler does on every run
    out.printf("   %-3s %-20s %-13s %-24s %-10s %-8s %s%n", "#", "event", "form", "detail", "operator", "at", "mac");
    List<StoredRecord> records = db.submissionStore().journal().read(0, 1000);
    for (StoredRecord r : records) {
      var rec = r.record();
      out.printf("   %-3d %-20s %-13s %-24s %-10s %-8s %s...%n", r.position(), rec.event().wireName()
          .replace("submission.", ""), rec.formId() == null ? "-" : rec.formId(),
          rec.field() != null ? rec.detail() + " (" + rec.field() + ")" : rec.detail() == null ? "" : rec.detail(),
          rec.operatorId() == null ? "-" : rec.operatorId(), "+" + duration(Duration.between(start, rec.at())),
          java.util.HexFormat.of().formatHex(r.mac()).substring(0, 12));
    }
    JournalVerification ok = forms.verifyJournal(null);
    out.println("   sealJournal() -> " + chained + " chained; verifyJournal() -> " + ok);
    out.println("   anchor this checkpoint elsewhere: " + forms.journalCheckpoint().export());
    out.println("   an outbox message (for webhooks or CDC) carries the record's JSON, e.g. the last one:");
    out.println("   " + records.get(records.size() - 1).record().toJson());
  }

  private String when(Instant t) {
    Duration d = Duration.between(clock.instant(), t);
    return t.truncatedTo(ChronoUnit.SECONDS) + " (" + (d.isNegative() ? "passed" : "in " + duration(d)) + ")";
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s >= 3600) {
      return s / 3600 + "h " + (s % 3600) / 60 + "m";
    }
    if (s >= 60) {
      return s / 60 + "m " + s % 60 + "s";
    }
    return s + "s";
  }
}
