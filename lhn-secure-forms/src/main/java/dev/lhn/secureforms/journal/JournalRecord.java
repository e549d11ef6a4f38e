package dev.lhn.secureforms.journal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lhn.secureforms.SubmissionId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One journal record, with the fields PCI DSS 10.2.2 asks for: who ({@code operatorId}), what
 * ({@code event}), when ({@code at}), success or failure ({@code outcome}), from where ({@code origin}),
 * why ({@code reason}) and which data ({@code submissionId}, {@code formId} and {@code formVersion},
 * {@code field}, {@code conversationRef}). Never a value, a preview, a key or the host's raw conversation id
 * (which may be a phone number): {@code conversationRef} is the keyed reference ({@code c1.…}) the store
 * keeps.
 *
 * @param id a random id, also the outbox message's id for the same event
 * @param event what happened
 * @param at when, by the library's clock, at millisecond precision
 * @param outcome success, failure or denied
 * @param operatorId who acted, or {@code null} when the library acted on its own (a scheduled purge)
 * @param origin the operator's IP address or host name as the host passed it in the viewer, or {@code null}
 * @param reason the reason for access the operator gave, or {@code null}
 * @param submissionId the submission concerned, or {@code null} for key and configuration records
 * @param formId its form, or {@code null} when unknown (a damaged row, a key record)
 * @param formVersion the form's schema version, or 0 when unknown
 * @param field the field concerned (a field purge), or {@code null}
 * @param conversationRef the stored conversation reference, or {@code null}
 * @param detail a short metadata detail: a purge reason, a failure's exception class, a key id, a
 *     configuration verdict; or {@code null}
 */
public record JournalRecord(UUID id, JournalEvent event, Instant at, Outcome outcome, String operatorId,
    String origin, String reason, SubmissionId submissionId, String formId, int formVersion, String field,
    String conversationRef, String detail) {

  /** The longest text a record's string components may hold (detail: {@value #MAX_DETAIL}). */
  public static final int MAX_TEXT = 256;
  /** The longest detail. */
  public static final int MAX_DETAIL = 512;
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Checks the components and truncates {@code at} to milliseconds.
   *
   * @param id a random id
   * @param event what happened
   * @param at when
   * @param outcome success, failure or denied
   * @param operatorId who acted, or {@code null}
   * @param origin the operator's origin, or {@code null}
   * @param reason the reason for access, or {@code null}
   * @param submissionId the submission, or {@code null}
   * @param formId its form, or {@code null}
   * @param formVersion the form's schema version, or 0
   * @param field the field, or {@code null}
   * @param conversationRef the stored conversation reference, or {@code null}
   * @param detail a short metadata detail, or {@code null}
   */
  public JournalRecord {
    requireNonNull(id, "id");
    requireNonNull(event, "event");
    requireNonNull(at, "at");
    requireNonNull(outcome, "outcome");
    at = at.truncatedTo(ChronoUnit.MILLIS);
    check("operatorId", operatorId, MAX_TEXT);
    check("origin", origin, MAX_TEXT);
    check("reason", reason, MAX_TEXT);
    check("formId", formId, MAX_TEXT);
    check("field", field, MAX_TEXT);
    check("conversationRef", conversationRef, MAX_TEXT);
    check("detail", detail, MAX_DETAIL);
    if (formVersion < 0) {
      throw new IllegalArgumentException("formVersion must not be negative, got " + formVersion);
    }
  }

  private static void check(String name, String s, int max) {
    if (s == null) {
      return;
    }
    if (s.length() > max) {
      throw new IllegalArgumentException(name + " must have at most " + max + " characters, got " + s.length());
    }
    if (s.codePoints().anyMatch(cp -> Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE)) {
      throw new IllegalArgumentException(name + " must not contain control or unpaired surrogate characters");
    }
  }

  /**
   * The bytes the chain's MAC covers: every component, each length-prefixed (absent components as length
   * -1), in the order of the record's declaration. Stable across versions of this library.
   *
   * @return the canonical encoding
   */
  public byte[] canonicalBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    put(out, id.toString());
    put(out, event.name());
    put(out, Long.toString(at.toEpochMilli()));
    put(out, outcome.name());
    put(out, operatorId);
    put(out, origin);
    put(out, reason);
    put(out, submissionId == null ? null : submissionId.toString());
    put(out, formId);
    put(out, Integer.toString(formVersion));
    put(out, field);
    put(out, conversationRef);
    put(out, detail);
    return out.toByteArray();
  }

  private static void put(ByteArrayOutputStream out, String s) {
    if (s == null) {
      out.write(0xff);
      out.write(0xff);
      out.write(0xff);
      out.write(0xff);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(b.length >>> 24);
    out.write(b.length >>> 16);
    out.write(b.length >>> 8);
    out.write(b.length);
    out.write(b, 0, b.length);
  }

  /**
   * This record as one line of JSON with a fixed property order, absent components left out: the payload
   * of its outbox message.
   *
   * @return the JSON text
   */
  public String toJson() {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("id", id.toString());
      g.writeStringField("type", event.wireName());
      g.writeStringField("at", at.toString());
      g.writeStringField("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT));
      field(g, "operatorId", operatorId);
      field(g, "origin", origin);
      field(g, "reason", reason);
      field(g, "submissionId", submissionId == null ? null : submissionId.toString());
      field(g, "formId", formId);
      if (formVersion > 0) {
        g.writeNumberField("formVersion", formVersion);
      }
      field(g, "field", field);
      field(g, "conversationRef", conversationRef);
      field(g, "detail", detail);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  /**
   * A builder-like start for records of the library: a random id, success, no operator.
   *
   * @param event what happened
   * @param at when
   * @return a record with only those set (a fresh random id, outcome {@link Outcome#SUCCESS})
   */
  public static JournalRecord of(JournalEvent event, Instant at) {
    return new JournalRecord(UUID.randomUUID(), event, at, Outcome.SUCCESS, null, null, null, null, null, 0, null,
        null, null);
  }

  /**
   * {@return a copy with this outcome}
   *
   * @param outcome the outcome
   */
  public JournalRecord withOutcome(Outcome outcome) {
    return new JournalRecord(id, event, at, outcome, operatorId, origin, reason, submissionId, formId, formVersion,
        field, conversationRef, detail);
  }

  /**
   * {@return a copy with who acted, from where and why}
   *
   * @param operatorId who acted, or {@code null}
   * @param origin from where, or {@code null}
   * @param reason why, or {@code null}
   */
  public JournalRecord withActor(String operatorId, String origin, String reason) {
    return new JournalRecord(id, event, at, outcome, operatorId, origin, reason, submissionId, formId, formVersion,
        field, conversationRef, detail);
  }

  /**
   * {@return a copy naming the data concerned}
   *
   * @param submissionId the submission, or {@code null}
   * @param formId its form, or {@code null}
   * @param formVersion its schema version, or 0
   * @param conversationRef the stored conversation reference, or {@code null}
   */
  public JournalRecord withData(SubmissionId submissionId, String formId, int formVersion, String conversationRef) {
    return new JournalRecord(id, event, at, outcome, operatorId, origin, reason, submissionId, formId, formVersion,
        field, conversationRef, detail);
  }

  /**
   * {@return a copy with this field}
   *
   * @param field the field, or {@code null}
   */
  public JournalRecord withField(String field) {
    return new JournalRecord(id, event, at, outcome, operatorId, origin, reason, submissionId, formId, formVersion,
        field, conversationRef, detail);
  }

  /**
   * {@return a copy with this detail}
   *
   * @param detail the detail, or {@code null}
   */
  public JournalRecord withDetail(String detail) {
    return new JournalRecord(id, event, at, outcome, operatorId, origin, reason, submissionId, formId, formVersion,
        field, conversationRef, detail);
  }
}
