package dev.lhn.secureforms.event;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.retention.PurgeReason;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Something that happened to a submission. Metadata only: ids, the operator who acted, the time and the
 * reason; never a field value, a preview, a key or a ciphertext. {@link #toJson()} is what a host posts
 * to its in-process listeners; the journal (dev.lhn.secureforms.journal) records the same facts durably.
 */
public sealed interface FormEvent {
  /** {@return the submission concerned} */
  SubmissionId submissionId();

  /**
   * Its form.
   *
   * @return the submission's form
   */
  String formId();

  /**
   * Its conversation: the host's id. In {@link Purged}, {@link PurgeFailed} and {@link RevealFailed} it is
   * {@code null} when the key-encryption key was unavailable to the instance that needed it to turn the
   * stored conversation reference back into the host's id (a purge needs no key and goes on without it).
   *
   * @return the submission's conversation, or {@code null} as above
   */
  String conversationId();

  /** {@return when it happened, by the library's clock} */
  Instant at();

  /**
   * The event's type name in JSON: {@code submitted}, {@code revealed}, ...
   *
   * @return the type name
   */
  String type();

  /** {@return the operator who acted, or {@code null} when the library acted on its own} */
  default String operatorId() {
    return null;
  }

  /**
   * This event as one line of JSON with a fixed property order.
   *
   * @return the JSON text, without a line break
   */
  default String toJson() {
    StringWriter w = new StringWriter(200);
    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("type", type());
      g.writeStringField("submissionId", submissionId().toString());
      g.writeStringField("formId", formId());
      g.writeStringField("conversationId", conversationId());
      if (operatorId() != null) {
        g.writeStringField("operatorId", operatorId());
      }
      g.writeStringField("at", at().toString());
      if (this instanceof Revealed r) {
        g.writeNumberField("viewsLeft", r.viewsLeft());
      } else if (this instanceof Purged p) {
        g.writeStringField("reason", p.reason().name());
        if (p.field() != null) {
          g.writeStringField("field", p.field());
        }
      } else if (this instanceof ConversationEnded c) {
        g.writeStringField("purgeAt", c.purgeAt().toString());
      } else if (this instanceof RevealFailed f) {
        g.writeStringField("error", f.error());
      } else if (this instanceof PurgeFailed f) {
        g.writeStringField("error", f.error());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * The submission's conversation ended; {@code purgeAt} is its deadline now (moved earlier when its form
   * purges after the conversation's end, unchanged otherwise).
   */
  record ConversationEnded(SubmissionId submissionId, String formId, String conversationId, Instant at,
      Instant purgeAt) implements FormEvent {
    /**
     * Checks that {@code submissionId}, {@code at} and {@code purgeAt} are not null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param at when it happened, by the library's clock
     * @param purgeAt the submission's deadline now
     */
    public ConversationEnded {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(at, "at");
      requireNonNull(purgeAt, "purgeAt");
    }

    @Override
    public String type() {
      return "conversation-ended";
    }
  }

  /** A submission was validated, sealed and stored. */
  record Submitted(SubmissionId submissionId, String formId, String conversationId, Instant at)
      implements FormEvent {
    /**
     * Checks that no component is null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param at when it happened, by the library's clock
     */
    public Submitted {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(formId, "formId");
      requireNonNull(conversationId, "conversationId");
      requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "submitted";
    }
  }

  /** An operator revealed a submission; {@code viewsLeft} is 0 when this view purged it. */
  record Revealed(SubmissionId submissionId, String formId, String conversationId, String operatorId,
      Instant at, int viewsLeft) implements FormEvent {
    /**
     * Checks that {@code submissionId}, {@code operatorId} and {@code at} are not null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param operatorId the operator who acted
     * @param at when it happened, by the library's clock
     * @param viewsLeft views left after this one
     */
    public Revealed {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(operatorId, "operatorId");
      requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "revealed";
    }
  }

  /** The host's {@code RevealAuthorizer} refused a reveal; nothing was consumed. */
  record RevealDenied(SubmissionId submissionId, String formId, String conversationId, String operatorId,
      Instant at) implements FormEvent {
    /**
     * Checks that {@code submissionId}, {@code operatorId} and {@code at} are not null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param operatorId the operator who acted
     * @param at when it happened, by the library's clock
     */
    public RevealDenied {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(operatorId, "operatorId");
      requireNonNull(at, "at");
    }

    @Override
    public String type() {
      return "reveal-denied";
    }
  }

  /**
   * A reveal failed (decryption or storage); nothing was consumed. {@code error} is the failure's type
   * name, such as {@code DecryptionException}. {@code formId} and {@code conversationId} are {@code null}
   * when the store failed before the submission could be read.
   */
  record RevealFailed(SubmissionId submissionId, String formId, String conversationId, String operatorId,
      Instant at, String error) implements FormEvent {
    /**
     * Checks that {@code submissionId}, {@code operatorId}, {@code at} and {@code error} are not null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param operatorId the operator who acted
     * @param at when it happened, by the library's clock
     * @param error the failure's type name
     */
    public RevealFailed {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(operatorId, "operatorId");
      requireNonNull(at, "at");
      requireNonNull(error, "error");
    }

    @Override
    public String type() {
      return "reveal-failed";
    }
  }

  /**
   * A submission, or one field of it ({@code field} not null, reason {@link PurgeReason#FIELD}), was
   * purged. {@code operatorId} is set for on-demand purges and the purge that follows a last view.
   */
  record Purged(SubmissionId submissionId, String formId, String conversationId, String operatorId,
      Instant at, PurgeReason reason, String field) implements FormEvent {
    /**
     * Checks that {@code submissionId}, {@code at} and {@code reason} are not null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param operatorId the operator who acted
     * @param at when it happened, by the library's clock
     * @param reason why it was purged
     * @param field the purged field, or {@code null} for the whole submission
     */
    public Purged {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(at, "at");
      requireNonNull(reason, "reason");
    }

    @Override
    public String type() {
      return "purged";
    }
  }

  /** A purge of this submission failed and will be retried; {@code error} is the failure's type name. */
  record PurgeFailed(SubmissionId submissionId, String formId, String conversationId, Instant at,
      String error) implements FormEvent {
    /**
     * Checks that {@code submissionId}, {@code at} and {@code error} are not null.
     *
     * @param submissionId the submission concerned
     * @param formId its form
     * @param conversationId its conversation
     * @param at when it happened, by the library's clock
     * @param error the failure's type name
     */
    public PurgeFailed {
      requireNonNull(submissionId, "submissionId");
      requireNonNull(at, "at");
      requireNonNull(error, "error");
    }

    @Override
    public String type() {
      return "purge-failed";
    }
  }
}

/** Shared JSON factory. */
final class Json {
  static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}
}
