package dev.lhn.secureforms.examples.boot;

import dev.lhn.secureforms.ConversationEndedException;
import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.RevealDeniedException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.SubmissionStatus;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.schema.FormSchema;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's REST API. No response carries a submitted value except a successful reveal; errors are
 * RFC 9457 problem details naming fields and rules. Every response is {@code Cache-Control: no-store}.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code POST /conversations/{conversationId}/forms/{formId}}</td><td>a JSON object of field
 *       values; 201 with the receipt, 422 with the violations, 409 if the conversation ended and the form
 *       keeps nothing past its end, 404 for an unknown form</td></tr>
 *   <tr><td>{@code GET /submissions/{id}}</td><td>the masked status; 404 when gone</td></tr>
 *   <tr><td>{@code POST /submissions/{id}/reveal}</td><td>header {@code X-Operator}; the values, once;
 *       404 "nothing to reveal" after that, 403 if the operator may not</td></tr>
 *   <tr><td>{@code POST /conversations/{conversationId}/end}</td><td>starts the after-conversation purge
 *       clocks</td></tr>
 * </table>
 */
@RestController
public class FormsController {
  private static final CacheControl NO_STORE = CacheControl.noStore();

  private final SecureForms forms;
  private final Map<String, FormSchema> formsById;

  /**
   * @param forms the starter's instance
   * @param schemas every {@code FormSchema} bean, served under its form id
   */
  public FormsController(SecureForms forms, List<FormSchema> schemas) {
    this.forms = forms;
    this.formsById = schemas.stream().collect(Collectors.toUnmodifiableMap(FormSchema::formId, Function.identity()));
  }

  /** What {@code submit} returns: ids and deadlines, never a value. */
  public record Receipt(String id, String formId, String conversationId, Instant submittedAt, Instant purgeAt) {
    static Receipt of(SubmissionReceipt r) {
      return new Receipt(r.id().toString(), r.formId(), r.conversationId(), r.submittedAt(), r.purgeAt());
    }
  }

  /** The masked status: previews such as {@code Visa ****4242}, views left, the purge deadline. */
  public record Status(String id, String formId, String conversationId, Instant submittedAt, int viewsLeft,
      int maxViews, Instant purgeAt, Instant conversationEndedAt, Map<String, String> preview) {
    static Status of(SubmissionStatus s) {
      return new Status(s.id().toString(), s.formId(), s.conversationId(), s.submittedAt(), s.viewsLeft(),
          s.maxViews(), s.purgeAt(), s.conversationEndedAt(), s.preview());
    }
  }

  /** The one response with values in it. */
  public record Revealed(String id, String formId, int viewsLeft, Map<String, String> values) {}

  /** A violation as the API shows it: the field and the rule, and the library's value-free message. */
  public record FieldViolation(String field, String rule, String message) {}

  /** The answer to a conversation's end. */
  public record Ended(String conversationId, int submissionsUpdated) {}

  @PostMapping("/conversations/{conversationId}/forms/{formId}")
  public ResponseEntity<?> submit(@PathVariable("conversationId") String conversationId, @PathVariable("formId") String formId,
      @RequestBody Map<String, String> values) {
    FormSchema form = formsById.get(formId);
    if (form == null) {
      return problem(HttpStatus.NOT_FOUND, "no form '" + formId + "'");
    }
    Map<String, String> present = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (v != null) { // JSON null: absent, like a blank value
        present.put(k, v);
      }
    });
    Receipt receipt = Receipt.of(checked(() -> forms.submit(form, conversationId, present)));
    return ResponseEntity.created(URI.create("/submissions/" + receipt.id())).cacheControl(NO_STORE).body(receipt);
  }

  @GetMapping("/submissions/{id}")
  public ResponseEntity<?> status(@PathVariable("id") String id) {
    Optional<SubmissionStatus> status = forms.status(checked(() -> SubmissionId.parse(id)));
    if (status.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "submission gone: revealed, purged or never there");
    }
    return ResponseEntity.ok().cacheControl(NO_STORE).body(Status.of(status.get()));
  }

  @PostMapping("/submissions/{id}/reveal")
  public ResponseEntity<?> reveal(@PathVariable("id") String id, @RequestHeader("X-Operator") String operator) {
    SubmissionId submission = checked(() -> SubmissionId.parse(id));
    Optional<RevealedSubmission> revealed = forms.reveal(submission, checked(() -> Viewer.of(operator)));
    if (revealed.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "nothing to reveal");
    }
    // The values become Strings for JSON, which nothing can wipe; close() wipes the library's copies.
    try (RevealedSubmission r = revealed.get()) {
      Map<String, String> values = new LinkedHashMap<>();
      for (String field : r.fieldNames()) {
        values.put(field, r.value(field));
      }
      return ResponseEntity.ok().cacheControl(NO_STORE)
          .body(new Revealed(r.id().toString(), r.formId(), r.viewsLeft(), values));
    }
  }

  @PostMapping("/conversations/{conversationId}/end")
  public ResponseEntity<Ended> end(@PathVariable("conversationId") String conversationId) {
    int updated = checked(() -> forms.conversationEnded(conversationId));
    return ResponseEntity.ok().cacheControl(NO_STORE).body(new Ended(conversationId, updated));
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> invalid(InvalidSubmissionException e) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY,
        "form '" + e.formId() + "' rejected " + e.violations().size() + " values");
    p.setProperty("violations", e.violations().stream()
        .map(v -> new FieldViolation(v.field(), v.rule(), v.message())).toList());
    return ResponseEntity.unprocessableContent().cacheControl(NO_STORE).body(p);
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> ended(ConversationEndedException e) {
    ResponseEntity<ProblemDetail> r = problem(HttpStatus.CONFLICT, "the conversation ended at " + e.endedAt()
        + " and form '" + e.formId() + "' keeps nothing past its end; nothing was stored");
    r.getBody().setProperty("endedAt", e.endedAt());
    return r;
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> denied(RevealDeniedException e) {
    return problem(HttpStatus.FORBIDDEN, "operator may not reveal this submission; nothing was consumed");
  }

  /** A body that is not a JSON object of strings. Spring's own handler would log the parser's message. */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
    return problem(HttpStatus.BAD_REQUEST, "the body must be a JSON object of field names to string values");
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> badRequest(BadRequestException e) {
    return problem(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  /**
   * Runs a library call whose IllegalArgumentException means a malformed submission id, conversation id or
   * operator id in the request: a 400 with the library's message, which names the rule and never holds a
   * field value. Other IllegalArgumentExceptions (the framework's, say) are not echoed to the client.
   */
  private static <T> T checked(Supplier<T> call) {
    try {
      return call.get();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  /** A request the library refused as malformed. */
  static final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequestException(String message) {
      super(message, null, false, false);
    }
  }

  private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
    return ResponseEntity.status(status).cacheControl(NO_STORE).body(ProblemDetail.forStatusAndDetail(status, detail));
  }
}
