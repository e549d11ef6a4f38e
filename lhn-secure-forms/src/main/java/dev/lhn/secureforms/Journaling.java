package dev.lhn.secureforms;

import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.journal.Outcome;
import dev.lhn.secureforms.retention.PurgeReason;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.JournalStore;
import dev.lhn.secureforms.spi.OutboxMessage;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade's room for evidence: turns what happened into journal records and, when the outbox is on,
 * outbox messages (Debezium EventRouter shape: aggregate type, aggregate id, type, payload = the record's
 * metadata JSON). Metadata only: the records name the stored conversation reference, never the host's id.
 */
final class Journaling {
  private static final Logger LOG = LoggerFactory.getLogger(SecureForms.class);

  private final boolean outbox;
  private final JournalStore journal;

  Journaling(boolean outbox, JournalStore journal) {
    this.outbox = outbox;
    this.journal = journal;
  }

  /** A record about a submission, by whom (or the library when {@code viewer} is null). */
  static JournalRecord about(JournalEvent event, Instant at, SubmissionMetadata m, Viewer viewer) {
    JournalRecord r = JournalRecord.of(event, at);
    if (m != null) {
      r = r.withData(m.id(), m.formId(), m.schemaVersion(), m.conversationId());
    }
    return viewer == null ? r : r.withActor(viewer.operatorId(), viewer.origin(), viewer.reason());
  }

  /** A purge record with its reason as the detail. */
  static JournalRecord purged(Instant at, SubmissionMetadata m, Viewer by, PurgeReason reason) {
    return about(JournalEvent.PURGED, at, m, by).withDetail(reason.name());
  }

  /** A field purge record. */
  static JournalRecord fieldPurged(Instant at, SubmissionMetadata m, Viewer by, String field) {
    return about(JournalEvent.FIELD_PURGED, at, m, by).withField(field).withDetail(PurgeReason.FIELD.name());
  }

  Evidence of(JournalRecord... records) {
    return of(List.of(records));
  }

  Evidence of(List<JournalRecord> records) {
    if (!outbox) {
      return new Evidence(records, List.of());
    }
    List<OutboxMessage> messages = new ArrayList<>(records.size());
    for (JournalRecord r : records) {
      if (r.event() != JournalEvent.CONFIGURATION) {
        messages.add(message(r));
      }
    }
    return new Evidence(records, messages);
  }

  /** The outbox message of a record: same id, so a receiver can match webhook and journal. */
  static OutboxMessage message(JournalRecord r) {
    String aggregateType;
    String aggregateId;
    if (r.submissionId() != null) {
      aggregateType = "submission";
      aggregateId = r.submissionId().toString();
    } else if (r.event() == JournalEvent.CONFIGURATION) {
      aggregateType = "library";
      aggregateId = "configuration";
    } else {
      aggregateType = "key";
      aggregateId = r.detail() == null ? "kek" : r.detail();
    }
    return new OutboxMessage(r.id(), aggregateType, aggregateId, r.event().wireName(), r.toJson(), r.at());
  }

  /**
   * A record that goes with no change (a denied or failed reveal, a key event): written on its own. If it
   * cannot be written, the failure is logged and swallowed: the caller is already failing or refusing,
   * and the store's failure must not replace the original error.
   */
  void appendQuietly(JournalRecord r) {
    try {
      journal.append(of(r));
    } catch (RuntimeException e) {
      LOG.error("journal append failed ({}) for a {} record of submission {}", e.getClass().getSimpleName(),
          r.event(), r.submissionId());
    }
  }

  /** A record that goes with no change, written on its own; a failure propagates (fail closed). */
  void append(JournalRecord r) {
    journal.append(of(r));
  }

  /** The outcome of an exception for a failed reveal's record. */
  static JournalRecord failed(JournalRecord r, RuntimeException e) {
    return r.withOutcome(Outcome.FAILURE).withDetail(e.getClass().getSimpleName());
  }
}
