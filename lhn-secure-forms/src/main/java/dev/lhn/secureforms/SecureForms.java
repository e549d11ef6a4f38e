package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.event.FormEvent;
import dev.lhn.secureforms.event.FormEventListener;
import dev.lhn.secureforms.internal.InMemorySubmissionStore;
import dev.lhn.secureforms.journal.Checkpoint;
import dev.lhn.secureforms.journal.JournalChain;
import dev.lhn.secureforms.journal.JournalEvent;
import dev.lhn.secureforms.journal.JournalRecord;
import dev.lhn.secureforms.journal.JournalVerification;
import dev.lhn.secureforms.journal.Outcome;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.internal.KeyHierarchy;
import dev.lhn.secureforms.internal.SealedForms;
import dev.lhn.secureforms.internal.Sealing;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.PurgeReason;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.sealed.FormRequest;
import dev.lhn.secureforms.sealed.FormRequestStore;
import dev.lhn.secureforms.sealed.SealedSubmissionException;
import dev.lhn.secureforms.sealed.SealingKey;
import dev.lhn.secureforms.spi.DamagedSubmission;
import dev.lhn.secureforms.spi.Evidence;
import dev.lhn.secureforms.spi.PurgeBatch;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import dev.lhn.secureforms.spi.SubmissionStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's one entry point: submit a visitor's form values, show their masked status, reveal them
 * to an operator as often as the form allows, and purge them on schedule.
 *
 * <pre>{@code
 * SecureForms forms = SecureForms.builder()
 *     .keyEncryptionKey(kek)                  // a Tink Aead: a KMS key or a local encrypted keyset
 *     .store(SubmissionStore.inMemory())      // or the JDBC store, or your own
 *     .build();
 * SubmissionReceipt receipt = forms.submit(cardForm, "conversation-42", values);
 * try (RevealedSubmission r = forms.reveal(receipt.id(), Viewer.of("operator-7")).orElseThrow()) {
 *   r.value("pan");
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; share one instance per key-encryption key and store. {@link #close()}
 * stops the retention scheduler. Nothing here ever logs, throws or emits a field value.
 */
public final class SecureForms implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecureForms.class);
  /** How often a compare-and-set update is retried against concurrent changes before giving up. */
  private static final int CAS_ATTEMPTS = 16;
  /** How long an ended conversation is remembered for late submissions unless the builder says otherwise. */
  public static final Duration DEFAULT_ENDED_CONVERSATION_MEMORY = Duration.ofDays(7);
  /** The epoch window unless the builder says otherwise: epoch keys per hour of hard deadlines. */
  public static final Duration DEFAULT_EPOCH_WINDOW = Duration.ofHours(1);
  /** How long an epoch key outlives its window unless the builder says otherwise. */
  public static final Duration DEFAULT_EPOCH_GRACE = Duration.ofMinutes(5);
  /** The longest conversation id a host may pass. */
  public static final int MAX_CONVERSATION_ID_LENGTH = 128;
  /** How long a sealing key (browser-sealed forms) is used for new form requests unless the builder says otherwise. */
  public static final Duration DEFAULT_SEALING_KEY_ROTATION = Duration.ofDays(1);
  /** How long a sealing key is accepted after its rotation unless the builder says otherwise. */
  public static final Duration DEFAULT_SEALING_KEY_GRACE = Duration.ofHours(2);
  /** How long a form request lives unless the builder says otherwise. */
  public static final Duration DEFAULT_FORM_REQUEST_LIFETIME = Duration.ofHours(1);
  /** How long journal records are kept unless the builder says otherwise (PCI DSS 10.5.1: at least a year). */
  public static final Duration DEFAULT_JOURNAL_RETENTION = Duration.ofDays(400);
  /** The shortest journal retention the builder accepts: PCI DSS 10.5.1's twelve months. */
  public static final Duration MIN_JOURNAL_RETENTION = Duration.ofDays(365);
  /** How many records one chaining step seals. */
  private static final int CHAIN_BATCH = 1000;

  private final Sealing sealing;
  private final SubmissionStore store;
  /** The compliance profile, or null without one. */
  private final Compliance compliance;
  private final dev.lhn.secureforms.text.SensitiveText transcriptDetector;
  private final InstantSource clock;
  private final List<FormEventListener> listeners;
  private final Journaling journaling;
  private final JournalChain chain;
  private final Aead kek;
  private final Set<String> reasonRequired;
  private final Duration journalRetention;
  private final RevealAuthorizer authorizer;
  private final int purgeBatchSize;
  private final Duration endedConversationMemory;
  private final SecureRandom random;
  private final AutoCloseable schedule;
  private final Instrumentation instrumentation;
  private final SealedForms sealedForms;
  /** What the last purge run found: now minus the earliest deadline among what it purged. */
  private volatile Duration purgeLag = Duration.ZERO;
  /** When the last purge run completed, or {@code null} before the first. */
  private volatile Instant lastPurgeRun;

  private SecureForms(Builder b) {
    this.instrumentation = b.instrumentation == null ? Instrumentation.NONE : b.instrumentation;
    Aead kek = instrumentation.kek(b.kek);
    EpochKeyStore epochKeys = b.epochKeyStore != null ? b.epochKeyStore : EpochKeyStore.inMemory();
    this.sealing = new Sealing(kek, new KeyHierarchy(kek, epochKeys,
        b.epochWindow == null ? DEFAULT_EPOCH_WINDOW : b.epochWindow,
        b.epochGrace == null ? DEFAULT_EPOCH_GRACE : b.epochGrace));
    this.store = b.store;
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.listeners = List.copyOf(b.listeners);
    this.kek = kek;
    this.journaling = new Journaling(b.outbox, b.store.journal());
    this.chain = new JournalChain(kek, b.store.journal());
    this.reasonRequired = Set.copyOf(b.reasonRequired);
    this.journalRetention = b.journalRetention == null ? DEFAULT_JOURNAL_RETENTION : b.journalRetention;
    sealing.keys().listener(new KeyHierarchy.Listener() {
      @Override
      public void created(EpochKeyId id, Instant now) {
        journaling.appendQuietly(JournalRecord.of(JournalEvent.EPOCH_KEY_CREATED, now).withDetail(id.toString()));
      }

      @Override
      public void destroyed(EpochKeyId id, Instant now) {
        journaling.appendQuietly(JournalRecord.of(JournalEvent.EPOCH_KEY_DESTROYED, now).withDetail(id.toString()));
      }
    });
    this.authorizer = b.authorizer == null ? RevealAuthorizer.ALLOW_ALL : b.authorizer;
    this.purgeBatchSize = b.purgeBatchSize == 0 ? 1000 : b.purgeBatchSize;
    this.endedConversationMemory = b.endedConversationMemory == null
        ? DEFAULT_ENDED_CONVERSATION_MEMORY : b.endedConversationMemory;
    this.random = new SecureRandom();
    this.compliance = b.checkedCompliance;
    this.transcriptDetector = b.transcriptDetector == null
        ? dev.lhn.secureforms.text.SensitiveText.defaults() : b.transcriptDetector;
    FormRequestStore requests = b.formRequestStore != null ? b.formRequestStore
        : b.store instanceof InMemorySubmissionStore ? FormRequestStore.inMemory() : null;
    this.sealedForms = new SealedForms(sealing.keys(), requests,
        b.sealingKeyRotation == null ? DEFAULT_SEALING_KEY_ROTATION : b.sealingKeyRotation,
        b.sealingKeyGrace == null ? DEFAULT_SEALING_KEY_GRACE : b.sealingKeyGrace,
        b.formRequestLifetime == null ? DEFAULT_FORM_REQUEST_LIFETIME : b.formRequestLifetime, random);
    RetentionScheduler scheduler = b.scheduler == null ? RetentionScheduler.defaults() : b.scheduler;
    this.schedule = scheduler.start(this::scheduledRun);
  }

  /** {@return a new builder; the key-encryption key and the store are required} */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ transcripts (#14)

  /**
   * Redacts a chat transcript before the host stores, e-mails, exports or sends it: card numbers, card
   * codes, expiries and SSNs become placeholders such as {@code [card ending 1111]}, also when a number was
   * typed over consecutive messages. Uses the builder's {@code transcriptRedaction} detector
   * ({@code SensitiveText.defaults()} when none was set).
   *
   * @param messages the transcript's messages in order
   * @return the redacted messages, same order and count
   */
  public List<String> redactTranscript(List<String> messages) {
    return transcriptDetector.redactTranscript(messages);
  }

  /**
   * Redacts one chat message ({@link #redactTranscript} for a whole conversation).
   *
   * @param message the message
   * @return the redacted message
   */
  public String redact(String message) {
    return transcriptDetector.redact(message);
  }

  // ------------------------------------------------------------------ submit

  /**
   * Validates, seals and stores a visitor's values.
   *
   * @param form the form they filled in
   * @param conversationId the host's conversation (1 to 128 characters); {@link #conversationEnded}
   *     starts the form's after-conversation purge clock for it
   * @param values field name to raw input; unknown names are rejected, blank values count as absent
   * @return the receipt with the new id and deadline
   * @throws InvalidSubmissionException listing every broken rule (field and rule, never the value);
   *     nothing was stored
   * @throws ConversationEndedException if the conversation had already ended and the form keeps nothing
   *     past its end; nothing was stored. (A submission to an ended conversation whose form keeps data for
   *     a while after the end is stored with that deadline, without the fields purged at the end.)
   * @throws StoreException if the store failed; nothing was stored
   */
  public SubmissionReceipt submit(FormSchema form, String conversationId, Map<String, String> values) {
    requireNonNull(form, "form");
    return instrumentation.submit(form.formId(), () -> doSubmit(form, conversationId, values));
  }

  private SubmissionReceipt doSubmit(FormSchema form, String conversationId, Map<String, String> values) {
    if (compliance != null) {
      compliance.checkForm(form);
    }
    checkConversationId(conversationId);
    requireNonNull(values, "values");
    Instant now = now();
    String ref = sealing.ref(conversationId, now);
    SubmissionId id = SubmissionId.random(random);
    byte[] sealed;
    Map<String, RetentionPolicy> fieldRetention = new LinkedHashMap<>();
    Map<String, String> preview;
    try (NormalizedValues normalized = form.normalize(values, now)) {
      sealed = sealing.seal(id, form, ref, now, normalized);
      preview = normalized.preview();
      for (int i = 0; i < normalized.size(); i++) {
        Field f = form.field(normalized.name(i));
        if (!f.retention().isNone()) {
          fieldRetention.put(f.name(), f.retention());
        }
      }
    }
    Instant expiresAt = now.plus(form.retention().maxAge());
    SubmissionMetadata meta = new SubmissionMetadata(id, form.formId(), form.version(), ref,
        now, 0, form.revealPolicy().maxViews(), form.revealPolicy().maxViews(),
        form.revealPolicy().windowAfterFirstView(), expiresAt, expiresAt,
        form.retention().afterConversationEnd(), null, fieldRetention, preview);
    Set<String> droppedAtOnce = Set.of();
    StoredSubmission stored = new StoredSubmission(meta, sealed);
    // The common case, an open conversation: the store checks for an end and inserts (on PostgreSQL in one
    // statement). A conversation that already ended gives this submission its end rules at once instead.
    Optional<Instant> endedBefore = store.insertUnlessEnded(stored,
        journaling.of(List.of(Journaling.about(JournalEvent.SUBMITTED, now, meta, null))), now);
    if (endedBefore.isPresent()) {
      meta = meta.withConversationEnded(endedBefore.get()).withVersion(0);
      Set<String> fields = Sealing.fieldNames(sealed);
      droppedAtOnce = meta.fieldsDue(now);
      if (meta.isDue(now) || (!droppedAtOnce.isEmpty() && droppedAtOnce.containsAll(fields))) {
        LOG.debug("form '{}' submitted after its conversation ended; nothing stored", form.formId());
        throw new ConversationEndedException(form.formId(), endedBefore.get());
      }
      if (!droppedAtOnce.isEmpty()) { // e.g. the card code, purged at the end: never stored at all
        sealed = Sealing.withoutFields(sealed, droppedAtOnce);
        meta = meta.withoutFields(droppedAtOnce).withVersion(0);
      }
      stored = new StoredSubmission(meta, sealed);
      List<JournalRecord> records = new ArrayList<>();
      records.add(Journaling.about(JournalEvent.SUBMITTED, now, meta, null));
      for (String f : new TreeSet<>(droppedAtOnce)) {
        records.add(Journaling.fieldPurged(now, meta, null, f));
      }
      store.insert(stored, journaling.of(records));
    }
    LOG.debug("submission {} of form '{}' stored ({} bytes sealed)", id, form.formId(), sealed.length);
    emit(new FormEvent.Submitted(id, form.formId(), conversationId, now));
    for (String f : new TreeSet<>(droppedAtOnce)) {
      emit(new FormEvent.Purged(id, form.formId(), conversationId, null, now, PurgeReason.FIELD, f));
    }
    Instant purgeAt = meta.purgeAt();
    if (endedBefore.isEmpty()) {
      // The conversation may have ended while this submission was being stored: conversationEnded records
      // the end before it lists the conversation's submissions, and this looks after storing, so at least
      // one of the two sees the other.
      Optional<Instant> endedMeanwhile = store.conversationEndedAt(ref, now);
      if (endedMeanwhile.isPresent()) {
        purgeAt = endConversationOf(stored, endedMeanwhile.get(), now).map(m -> m.purgeAt()).orElse(now);
      }
    }
    return new SubmissionReceipt(id, form.formId(), conversationId, now, purgeAt);
  }

  // ------------------------------------------------------------------ browser-sealed (docs/BROWSER.md)

  /**
   * Issues a form request: what the operator sends to a conversation so that its visitor's page can seal
   * a submission of {@code form} in the browser. Its token binds the form, its schema version, the
   * conversation and the expiry, and is accepted once by {@link #submitSealed}.
   *
   * @param form the form sent
   * @param conversationId the conversation it is sent to (1 to 128 characters)
   * @return the request, with the sealing key to seal to; {@link FormRequest#toJson()} is for the page
   * @throws IllegalStateException if the submission store is durable and no form request store was given
   * @throws KekUnavailableException if the sealing key or the token key could not be created or unwrapped
   */
  public FormRequest requestForm(FormSchema form, String conversationId) {
    requireNonNull(form, "form");
    checkConversationId(conversationId);
    return sealedForms.issue(form, conversationId, now());
  }

  /**
   * The sealing keys accepted now, the current one first: what the browser may seal to.
   *
   * @return at least the current key
   * @throws KekUnavailableException if the current key could not be created or unwrapped
   */
  public List<SealingKey> sealingKeys() {
    return sealedForms.acceptedKeys(now());
  }

  /**
   * The published key document, {@code {"suite":..., "current":<kid>, "keys":[{"kid", "suite", "x",
   * "usedFrom", "acceptedUntil"}...]}}: public keys only, for the host to serve to browsers.
   *
   * @return the document as JSON
   * @throws KekUnavailableException if the current key could not be created or unwrapped
   */
  public String sealingKeysJson() {
    return sealedForms.keysJson(now());
  }

  /**
   * Opens a payload sealed in the visitor's browser (or by {@link dev.lhn.secureforms.sealed.SealedPayload})
   * and stores it as {@link #submit} does. In this order: the form request token is checked (authentic, for
   * this form and version, for this conversation, the key accepted, not expired), the ciphertext is opened,
   * the values are validated (a failure consumes nothing, so the visitor may correct and resend), the
   * request is consumed (once, across instances), and the values are sealed and stored. A crash, or a
   * store failure, between the consumption and the insert leaves the request used and nothing stored: the
   * operator sends the form again (docs/BROWSER.md, "The crash window").
   *
   * @param form the form the visitor filled in
   * @param conversationId the conversation the host received the payload in
   * @param sealed the payload, {@code {"v":1,"token":...,"kid":...,"ct":...}}
   * @return the receipt
   * @throws SealedSubmissionException if the payload is refused (malformed, tampered, another form or
   *     conversation, expired, replayed, unknown or retired key); nothing was stored or consumed, except for
   *     {@code REPLAYED}, which found the request consumed already
   * @throws InvalidSubmissionException if the values break the form's rules; nothing consumed or stored
   * @throws ConversationEndedException as {@link #submit} does (the request is consumed)
   * @throws StoreException if a store failed
   */
  public SubmissionReceipt submitSealed(FormSchema form, String conversationId, String sealed) {
    return submitSealed(form, conversationId, null, sealed);
  }

  /**
   * {@link #submitSealed(FormSchema, String, String)} for one particular form request: the payload must
   * have been sealed for the request with {@code requestId} ({@link FormRequest#requestId()}), so that a
   * host that posts each request's payload to its own address (as the chat desk does) cannot have the
   * payload of one pending request stored as the answer to another of the same form and conversation.
   *
   * @param form the form the visitor filled in
   * @param conversationId the conversation the host received the payload in
   * @param requestId the request the host expects the payload for, or {@code null} for any of this form
   *     and conversation
   * @param sealed the payload, {@code {"v":1,"token":...,"kid":...,"ct":...}}
   * @return the receipt
   * @throws SealedSubmissionException as the other overload, and {@code WRONG_REQUEST} if the payload was
   *     sealed for another request; nothing stored or consumed
   * @throws InvalidSubmissionException if the values break the form's rules; nothing consumed or stored
   * @throws ConversationEndedException as {@link #submit} does (the request is consumed)
   * @throws StoreException if a store failed
   */
  public SubmissionReceipt submitSealed(FormSchema form, String conversationId, String requestId, String sealed) {
    requireNonNull(form, "form");
    checkConversationId(conversationId);
    requireNonNull(sealed, "sealed");
    Instant now = now();
    SealedForms.Opened opened = sealedForms.open(form, conversationId, requestId, sealed, now);
    try (NormalizedValues checked = form.normalize(opened.values(), now)) {
      // validated before the request is consumed: the visitor may correct and resend
    }
    if (!sealedForms.consume(opened, now)) {
      throw new SealedSubmissionException(SealedSubmissionException.Reason.REPLAYED, form.formId(),
          "the form request was used already");
    }
    return submit(form, conversationId, opened.values());
  }

  // ------------------------------------------------------------------ read

  /**
   * The masked status of a submission: never decrypts, never takes a view.
   *
   * @param id the submission
   * @return empty if the submission is gone or due
   */
  public Optional<SubmissionStatus> status(SubmissionId id) {
    requireNonNull(id, "id");
    Instant now = now();
    return store.find(id, now).map(s -> statusOf(s.metadata(), now));
  }

  /**
   * The masked status of every live submission of a conversation, as the store lists them: never
   * decrypts, never takes a view. Due submissions are left out whether or not they were purged yet.
   *
   * @param conversationId the host's conversation (1 to 128 characters)
   * @return the statuses, possibly none; an unmodifiable list
   * @throws StoreException if the store failed
   */
  public List<SubmissionStatus> submissions(String conversationId) {
    checkConversationId(conversationId);
    Instant now = now();
    List<SubmissionStatus> out = new ArrayList<>();
    for (StoredSubmission s : store.findByConversation(sealing.ref(conversationId, now), now)) {
      out.add(statusOf(s.metadata(), now));
    }
    return List.copyOf(out);
  }

  /**
   * Reveals a submission to an operator: asks the {@link RevealAuthorizer}, then takes one view and
   * decrypts inside the same store operation; the view counts only if decryption succeeded. The last
   * allowed view purges the submission.
   *
   * @param id the submission
   * @param viewer the operator asking, passed to the {@link RevealAuthorizer} and recorded in the events
   * @return the plaintext (close it), or empty if the submission is gone, due, or was just taken by a
   *     concurrent reveal
   * @throws RevealDeniedException if the authorizer refused (or failed); nothing was consumed
   * @throws DecryptionException if the envelope could not be opened (a KEK outage, tampering); nothing
   *     was consumed
   * @throws StoreException if the store failed; nothing was consumed
   */
  public Optional<RevealedSubmission> reveal(SubmissionId id, Viewer viewer) {
    requireNonNull(id, "id");
    requireNonNull(viewer, "viewer");
    return instrumentation.reveal(() -> doReveal(id, viewer));
  }

  private Optional<RevealedSubmission> doReveal(SubmissionId id, Viewer viewer) {
    Instant now = now();
    if (authorizer != RevealAuthorizer.ALLOW_ALL && !authorize(id, viewer, now)) {
      return Optional.empty();
    }
    SubmissionMetadata[] claimedMeta = new SubmissionMetadata[1];
    RevealedSubmission[] produced = new RevealedSubmission[1];
    Instant[] claimedAt = new Instant[1];
    Optional<RevealedSubmission> revealed = Optional.empty();
    try {
      // The lookup key, before any row is held; without it (a KMS outage) the reveal still works and
      // names no conversation.
      sealing.loadLookupKey(now);
    } catch (KekUnavailableException e) {
      LOG.warn("reveal of submission {}: the lookup key is unavailable ({}); revealing without the conversation",
          id, e.getClass().getSimpleName());
    }
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          revealed = claimOnce(id, viewer, now, claimedMeta, produced, claimedAt);
          if (revealed.isEmpty() && produced[0] != null) {
            produced[0].close(); // opened, but the view was not committed (an optimistic store lost its race)
          }
          break;
        } catch (KeyHierarchy.NotCached missing) {
          // An epoch key this instance has not loaded: load it (a store read, one KEK call) with no row
          // held, then claim again. A submission has at most 16 key slots.
          if (attempt > 16) {
            throw new IllegalStateException("epoch key " + missing.id() + " did not stay loaded");
          }
          sealing.keys().load(missing.id(), now);
        }
      }
    } catch (DueWhenClaimed e) {
      LOG.debug("submission {} became due while its reveal waited for it; nothing revealed", id);
      return Optional.empty();
    } catch (Erased e) {
      LOG.info("submission {} is crypto-erased: its epoch key was destroyed; nothing revealed", id);
      return Optional.empty();
    } catch (RuntimeException e) {
      if (produced[0] != null) {
        produced[0].close();
      }
      LOG.warn("reveal of submission {} failed ({}); nothing was consumed", id, e.getClass().getSimpleName());
      SubmissionMetadata m = claimedMeta[0] != null ? claimedMeta[0] : findQuietly(id, now);
      if (e instanceof ReasonMissing) {
        journaling.appendQuietly(Journaling.about(JournalEvent.REVEAL_DENIED, now, m, viewer)
            .withOutcome(Outcome.DENIED).withDetail("reason for access required"));
        emit(new FormEvent.RevealDenied(id, m == null ? null : m.formId(),
            m == null ? null : eventHost(m.conversationId(), now), viewer.operatorId(), now));
        throw new RevealDeniedException(id, viewer.operatorId(), "form '" + (m == null ? "?" : m.formId())
            + "' requires a reason for access (Viewer.withReason)");
      }
      journaling.appendQuietly(Journaling.failed(Journaling.about(JournalEvent.REVEAL_FAILED, now, m, viewer), e));
      emit(new FormEvent.RevealFailed(id, m == null ? null : m.formId(),
          m == null ? null : eventHost(m.conversationId(), now), viewer.operatorId(), now, e.getClass().getSimpleName()));
      throw e;
    }
    revealed.ifPresent(r -> {
      Instant at = claimedAt[0];
      LOG.debug("submission {} revealed to '{}', {} views left", id, viewer.operatorId(), r.viewsLeft());
      emit(new FormEvent.Revealed(id, r.formId(), r.conversationId(), viewer.operatorId(), at, r.viewsLeft()));
      if (r.viewsLeft() == 0) {
        emit(new FormEvent.Purged(id, r.formId(), r.conversationId(), viewer.operatorId(), at,
            PurgeReason.REVEALED, null));
      }
    });
    return revealed;
  }

  /**
   * One claim: opens the submission as the store claims it (holding it, or on a snapshot it then commits by
   * compare-and-set) and takes the view. Reads no store and calls no KEK inside (keys come from memory);
   * throws {@link KeyHierarchy.NotCached} to have a key loaded.
   */
  private Optional<RevealedSubmission> claimOnce(SubmissionId id, Viewer viewer, Instant now,
      SubmissionMetadata[] claimedMeta, RevealedSubmission[] produced, Instant[] claimedAt) {
    return store.claim(id, now, claimed -> {
      if (produced[0] != null) {
        produced[0].close(); // a store claiming again (a lost race or deadlock) runs this again: wipe the first try
        produced[0] = null;
      }
      SubmissionMetadata cm = claimed.metadata();
      claimedMeta[0] = cm;
      // "Due" is decided here, with the time read as the store claims the row, against the row as claimed:
      // a conversation end (or a purge deadline) committed by another instance while this reveal waited
      // for the row has moved its deadlines, and the time read before the claim would miss it (an
      // optimistic store's compare-and-set fails if the row changed after this read).
      Instant at = now();
      claimedAt[0] = at;
      if (cm.isDue(at)) {
        throw DueWhenClaimed.INSTANCE; // the store rolls back: nothing consumed, the row is left for the purge
      }
      if (viewer.reason() == null && reasonRequired.contains(cm.formId())) {
        throw ReasonMissing.INSTANCE; // checked on the row as held: nothing consumed, a denied record follows
      }
      Sealing.Opened opened = sealing.open(claimed, at, cm.fieldsDue(at));
      if (opened.erased()) {
        throw Erased.INSTANCE; // its epoch key is destroyed: nothing can be revealed, nothing is consumed
      }
      produced[0] = new RevealedSubmission(cm.id(), cm.formId(), sealing.hostIdIfLoaded(cm.conversationId()),
          cm.viewsLeft() - 1, opened.names(), opened.values());
      return produced[0];
    }, claimed -> {
      SubmissionMetadata cm = claimed.metadata();
      Instant at = claimedAt[0] == null ? now : claimedAt[0];
      JournalRecord revealed = Journaling.about(JournalEvent.REVEALED, at, cm, viewer)
          .withDetail("viewsLeft=" + (cm.viewsLeft() - 1));
      return cm.viewsLeft() <= 1
          ? journaling.of(revealed, Journaling.purged(at, cm, viewer, PurgeReason.REVEALED))
          : journaling.of(revealed);
    });
  }

  /** Aborts a claim for a form that requires a reason the viewer did not give; never escapes {@link #reveal}. */
  private static final class ReasonMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final ReasonMissing INSTANCE = new ReasonMissing();

    private ReasonMissing() {
      super("reason missing", null, false, false);
    }
  }

  /** Aborts a claim whose epoch key is destroyed (crypto-erased); never escapes {@link #reveal}. */
  private static final class Erased extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Erased INSTANCE = new Erased();

    private Erased() {
      super("erased", null, false, false);
    }
  }

  /** Aborts a claim whose row turned out to be due when the store held it; never escapes {@link #reveal}. */
  private static final class DueWhenClaimed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final DueWhenClaimed INSTANCE = new DueWhenClaimed();

    private DueWhenClaimed() {
      super("due when claimed", null, false, false);
    }
  }

  /**
   * Asks the authorizer with the submission's status; a denial is audited and thrown, a missing
   * submission returns {@code false}. Skipped for {@link RevealAuthorizer#ALLOW_ALL}, which saves a read.
   */
  private boolean authorize(SubmissionId id, Viewer viewer, Instant now) {
    Optional<StoredSubmission> found = store.find(id, now);
    if (found.isEmpty()) {
      return false;
    }
    SubmissionMetadata m = found.get().metadata();
    boolean allowed;
    try {
      allowed = authorizer.mayReveal(viewer, statusOf(m, now));
    } catch (RuntimeException e) {
      LOG.warn("reveal authorizer failed ({}) for submission {}; denying", e.getClass().getSimpleName(), id);
      allowed = false;
    }
    if (!allowed) {
      journaling.appendQuietly(Journaling.about(JournalEvent.REVEAL_DENIED, now, m, viewer).withOutcome(Outcome.DENIED)
          .withDetail("authorizer"));
      emit(new FormEvent.RevealDenied(id, m.formId(), host(m.conversationId(), now), viewer.operatorId(), now));
      throw new RevealDeniedException(id, viewer.operatorId());
    }
    return true;
  }

  private SubmissionMetadata findQuietly(SubmissionId id, Instant now) {
    try {
      return store.find(id, now).map(StoredSubmission::metadata).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ retention

  /**
   * The conversation ended now: every submission of it whose form purges after the conversation's end
   * gets its deadline moved to {@code now + offset} (if earlier), and so do fields with such a rule of
   * their own. Submissions due at once (offset zero) are purged immediately. The end is recorded first
   * and remembered for {@link Builder#endedConversationMemory}, so that submissions made to the
   * conversation afterwards, on any instance, get the same rules at once.
   *
   * @param conversationId the host's conversation
   * @return how many submissions of the conversation were updated
   */
  public int conversationEnded(String conversationId) {
    checkConversationId(conversationId);
    Instant now = now();
    String ref = sealing.ref(conversationId, now);
    // Recorded first, so that a submission stored from now on sees the end (see submit).
    Instant endedAt = store.endConversation(ref, now, now.plus(endedConversationMemory));
    int updated = 0;
    for (StoredSubmission s : store.findByConversation(ref, now)) {
      if (endConversationOf(s, endedAt, now).isPresent()) {
        updated++;
      }
    }
    LOG.debug("conversation ended: {} submissions updated", updated);
    return updated;
  }

  /**
   * Applies a conversation's end to one of its submissions (compare-and-set, re-read after a lost race):
   * moves its deadlines, purges it at once if that makes it due, else drops the fields due.
   *
   * @return its metadata after the end, or empty if it was gone or had the end applied already
   */
  private Optional<SubmissionMetadata> endConversationOf(StoredSubmission s, Instant endedAt, Instant now) {
    Optional<StoredSubmission> after = update(s, now, current -> current.metadata().conversationEndedAt() != null
        ? null : current.withMetadata(current.metadata().withConversationEnded(endedAt)),
        replacement -> journaling.of(Journaling.about(JournalEvent.CONVERSATION_ENDED, now, replacement.metadata(), null)
            .withDetail("purgeAt=" + replacement.metadata().purgeAt())));
    if (after.isEmpty()) {
      return Optional.empty();
    }
    SubmissionMetadata m = after.get().metadata();
    emit(new FormEvent.ConversationEnded(m.id(), m.formId(), host(m.conversationId(), now), now, m.purgeAt()));
    if (m.isDue(now)) {
      store.delete(m.id(), g -> journaling.of(Journaling.purged(now, g, null, g.dueReason())))
          .ifPresent(gone -> emit(new FormEvent.Purged(gone.id(),
          gone.formId(), eventHost(gone.conversationId(), now), null, now, gone.dueReason(), null)));
    } else {
      purgeDueFields(after.get(), now);
    }
    return Optional.of(m);
  }

  /**
   * Purges a whole submission now, due or not.
   *
   * @param id the submission
   * @return whether it existed
   */
  public boolean purge(SubmissionId id) {
    return purge(id, null);
  }

  /**
   * Purges a whole submission now, due or not, on behalf of an operator (recorded in the event).
   *
   * @param id the submission
   * @param by who purged it, or {@code null}
   * @return whether it existed
   */
  public boolean purge(SubmissionId id, Viewer by) {
    requireNonNull(id, "id");
    Instant now = now();
    Optional<SubmissionMetadata> gone = store.delete(id,
        g -> journaling.of(Journaling.purged(now, g, by, PurgeReason.MANUAL)));
    gone.ifPresent(m -> emit(new FormEvent.Purged(id, m.formId(), eventHost(m.conversationId(), now),
        by == null ? null : by.operatorId(), now, PurgeReason.MANUAL, null)));
    return gone.isPresent();
  }

  /**
   * Purges one field of a submission now (for example the card code once the payment is authorised),
   * without any key: the field's ciphertext is dropped from the envelope. Purging the last field purges
   * the submission.
   *
   * @param id the submission
   * @param field the field's name
   * @return whether the field was stored (and is now gone)
   */
  public boolean purgeField(SubmissionId id, String field) {
    return purgeField(id, field, null);
  }

  /**
   * Purges one field now on behalf of an operator (recorded in the event); see
   * {@link #purgeField(SubmissionId, String)}.
   *
   * @param id the submission
   * @param field the field's name
   * @param by who purged it, or {@code null}
   * @return whether the field was stored (and is now gone)
   */
  public boolean purgeField(SubmissionId id, String field, Viewer by) {
    requireNonNull(id, "id");
    requireNonNull(field, "field");
    Instant now = now();
    Optional<StoredSubmission> s = store.find(id, now);
    return s.isPresent() && dropFields(s.get(), Set.of(field), now, by == null ? null : by.operatorId()) > 0;
  }

  /**
   * Purges everything due now: whole submissions in batches, then fields whose own deadline passed. What
   * the {@link RetentionScheduler} calls; safe to call from several instances at once.
   *
   * @return how many submissions and single fields were purged
   */
  public int purgeDue() {
    Instrumentation.PurgeRun run = instrumentation.purge(this::purgeDueRun);
    try {
      sealedForms.forgetExpired(now());
    } catch (StoreException e) {
      LOG.warn("forgetting expired form requests failed ({}); retried on the next run", e.getMessage());
    }
    purgeLag = run.lag();
    lastPurgeRun = now();
    return run.purged();
  }

  /**
   * How late the last {@link #purgeDue()} run was: its time minus the earliest deadline among the
   * submissions it purged, or zero if it purged none (or has not run). A lag that grows means the
   * scheduler cannot keep up or does not run; reads stay correct either way, since they re-check
   * every deadline.
   *
   * @return the lag of the last run, never negative
   */
  public Duration purgeLag() {
    return purgeLag;
  }

  /**
   * When the last {@link #purgeDue()} run of this instance completed (by the scheduler or the host).
   *
   * @return that time, or empty before the first run completed
   */
  public Optional<Instant> lastPurgeRun() {
    return Optional.ofNullable(lastPurgeRun);
  }

  private Instrumentation.PurgeRun purgeDueRun() {
    Instant now = now();
    int purged = 0;
    Map<PurgeReason, Integer> byReason = new EnumMap<>(PurgeReason.class);
    Instant earliest = null;
    PurgeBatch batch;
    Instant dueFrom = null; // the keyset cursor: the latest deadline purged so far in this run
    Function<PurgeBatch, Evidence> evidence = b -> {
      List<JournalRecord> records = new ArrayList<>(b.size());
      for (SubmissionMetadata m : b.purged()) {
        records.add(Journaling.purged(now, m, null, m.dueReason()));
      }
      for (DamagedSubmission d : b.damaged()) {
        records.add(JournalRecord.of(JournalEvent.PURGED, now).withData(d.id(), null, 0, null)
            .withDetail(PurgeReason.DAMAGED.name()));
      }
      return journaling.of(records);
    };
    do {
      batch = dueFrom == null
          ? store.purgeDue(now, purgeBatchSize, evidence)
          : store.purgeDue(now, purgeBatchSize, dueFrom, evidence);
      for (SubmissionMetadata m : batch.purged()) {
        byReason.merge(m.dueReason(), 1, Integer::sum);
        if (earliest == null || m.purgeAt().isBefore(earliest)) {
          earliest = m.purgeAt();
        }
        if (dueFrom == null || m.purgeAt().isAfter(dueFrom)) {
          dueFrom = m.purgeAt();
        }
        emit(new FormEvent.Purged(m.id(), m.formId(), eventHost(m.conversationId(), now), null, now, m.dueReason(), null));
      }
      for (DamagedSubmission d : batch.damaged()) {
        byReason.merge(PurgeReason.DAMAGED, 1, Integer::sum);
        LOG.warn("purged damaged submission {}: {}", d.id(), d.problem());
        emit(new FormEvent.Purged(d.id(), null, null, null, now, PurgeReason.DAMAGED, null));
      }
      purged += batch.size();
    } while (batch.size() == purgeBatchSize);
    List<StoredSubmission> fieldsDue;
    Set<SubmissionId> seen = new HashSet<>();
    do {
      fieldsDue = store.findFieldPurgeDue(now, purgeBatchSize);
      int before = purged;
      for (StoredSubmission s : fieldsDue) {
        if (seen.add(s.metadata().id())) {
          try {
            int fields = purgeDueFields(s, now);
            if (fields > 0) {
              byReason.merge(PurgeReason.FIELD, fields, Integer::sum);
            }
            purged += fields;
          } catch (StoreException e) {
            // one submission's failure (a lost race, the store) never stops the purge of the others
            LOG.warn("purge of the due fields of submission {} failed ({}); retried on the next run",
                s.metadata().id(), e.getClass().getSimpleName());
          }
        }
      }
      if (purged == before) {
        break;
      }
    } while (fieldsDue.size() == purgeBatchSize);
    int forgotten;
    do {
      forgotten = store.forgetEndedConversations(now, purgeBatchSize);
    } while (forgotten == purgeBatchSize);
    // Last: every submission of an epoch whose key goes now was due before (its hard deadline is inside
    // the window), so this only makes unreadable what the rows above no longer hold.
    sealing.keys().destroyDue(now);
    // Journal retention: chained records older than the retention, oldest first (the head keeps the cut).
    Instant journalCut = now.minus(journalRetention);
    int cut;
    do {
      cut = store.journal().purgeChained(journalCut, purgeBatchSize);
    } while (cut == purgeBatchSize);
    if (purged > 0) {
      LOG.debug("purged {} due submissions and fields", purged);
    }
    Duration lag = earliest == null || !earliest.isBefore(now) ? Duration.ZERO : Duration.between(earliest, now);
    return new Instrumentation.PurgeRun(purged, byReason, lag);
  }

  private int purgeDueFields(StoredSubmission s, Instant now) {
    Set<String> due = s.metadata().fieldsDue(now);
    return due.isEmpty() ? 0 : dropFields(s, due, now, null);
  }

  /**
   * Drops fields with compare-and-set, retrying on concurrent change; returns how many were dropped.
   * Dropping the last fields deletes the submission.
   */
  private int dropFields(StoredSubmission start, Set<String> fields, Instant now, String operatorId) {
    StoredSubmission current = start;
    SubmissionMetadata m = start.metadata();
    try {
      for (int attempt = 0; attempt < CAS_ATTEMPTS && current != null; attempt++) {
        m = current.metadata();
        byte[] env = current.envelope();
        Set<String> present = new HashSet<>(Sealing.fieldNames(env));
        Set<String> gone = new HashSet<>(fields);
        gone.retainAll(present);
        if (gone.isEmpty()) {
          return 0;
        }
        boolean last = gone.size() == present.size();
        Viewer by = operatorId == null ? null : Viewer.of(operatorId);
        List<JournalRecord> records = new ArrayList<>();
        for (String f : new TreeSet<>(gone)) {
          records.add(Journaling.fieldPurged(now, m, by, f));
        }
        if (last) {
          records.add(Journaling.purged(now, m, by, PurgeReason.FIELD));
        }
        Evidence evidence = journaling.of(records);
        boolean done = last
            ? store.delete(m.id(), g -> evidence).isPresent()
            : store.replace(new StoredSubmission(m.withoutFields(gone), Sealing.withoutFields(env, gone)),
                m.version(), evidence);
        if (done) {
          for (String f : new TreeSet<>(gone)) {
            emit(new FormEvent.Purged(m.id(), m.formId(), eventHost(m.conversationId(), now), operatorId, now,
                PurgeReason.FIELD, f));
          }
          if (last) {
            emit(new FormEvent.Purged(m.id(), m.formId(), eventHost(m.conversationId(), now), operatorId, now,
                PurgeReason.FIELD, null));
          }
          return gone.size();
        }
        current = store.find(m.id(), now).orElse(null);
      }
    } catch (DecryptionException e) {
      // The envelope is malformed, so no field can be dropped from it and nothing of it can ever be
      // revealed: purge it whole (fail closed) rather than keep a field that is due.
      SubmissionId damaged = m.id();
      LOG.warn("submission {} has a malformed envelope ({}); purging it whole", damaged, e.getMessage());
      Optional<SubmissionMetadata> gone = store.delete(damaged, g -> journaling.of(Journaling.purged(now, g,
          operatorId == null ? null : Viewer.of(operatorId), PurgeReason.DAMAGED)));
      gone.ifPresent(g -> emit(new FormEvent.Purged(damaged, g.formId(), eventHost(g.conversationId(), now), operatorId, now,
          PurgeReason.DAMAGED, null)));
      return gone.isPresent() ? fields.size() : 0;
    }
    if (current == null) {
      return 0;
    }
    journaling.appendQuietly(Journaling.about(JournalEvent.PURGE_FAILED, now, m, null).withOutcome(Outcome.FAILURE)
        .withDetail("ConcurrentModification"));
    emit(new FormEvent.PurgeFailed(m.id(), m.formId(), eventHost(m.conversationId(), now), now, "ConcurrentModification"));
    throw new StoreException("field purge of submission " + m.id() + " lost " + CAS_ATTEMPTS
        + " races against concurrent changes; retry later");
  }

  /**
   * Compare-and-set update with retries: {@code change} maps the submission as it is now (re-read after a
   * lost race, envelope included) to its replacement, or to {@code null} when no change is needed.
   * Returns what was written, or empty.
   */
  private Optional<StoredSubmission> update(StoredSubmission start, Instant now,
      java.util.function.Function<StoredSubmission, StoredSubmission> change,
      java.util.function.Function<StoredSubmission, Evidence> evidence) {
    StoredSubmission current = start;
    for (int attempt = 0; attempt < CAS_ATTEMPTS && current != null; attempt++) {
      StoredSubmission replacement = change.apply(current);
      if (replacement == null) {
        return Optional.empty();
      }
      if (store.replace(replacement, current.metadata().version(), evidence.apply(replacement))) {
        return Optional.of(replacement);
      }
      current = store.find(current.metadata().id(), now).orElse(null);
    }
    if (current == null) {
      return Optional.empty();
    }
    throw new StoreException("update of submission " + start.metadata().id() + " lost " + CAS_ATTEMPTS
        + " races against concurrent changes; retry later");
  }

  // ------------------------------------------------------------------ plumbing

  // ------------------------------------------------------------------ journal

  /**
   * The journal records of one submission, oldest first, chained or still pending: who revealed it when,
   * why it was purged. Works after the submission is gone (until journal retention removes the records).
   *
   * @param id the submission
   * @return its records (at most 1,000), possibly none; an unmodifiable list
   * @throws StoreException if the store failed
   */
  public List<JournalRecord> history(SubmissionId id) {
    requireNonNull(id, "id");
    return List.copyOf(store.journal().history(id, 1000));
  }

  /**
   * Chains the journal's pending records now (what the scheduler does on every run): gives them their
   * positions and MACs, unless another instance is chaining at this moment.
   *
   * @return how many records were chained; 0 if none was pending or another instance holds the chain
   * @throws KekUnavailableException if the chain's root key had to be unwrapped and the KEK failed
   * @throws StoreException if the store failed
   */
  public int sealJournal() {
    JournalChain.ensureChain(kek, store.journal(), random);
    int total = 0;
    int n;
    do {
      n = chain.sealPending(CHAIN_BATCH);
      total += Math.max(n, 0);
    } while (n == CHAIN_BATCH);
    return total;
  }

  /**
   * The journal chain's head, to export and anchor elsewhere ({@link Checkpoint#export()}).
   *
   * @return the checkpoint of the last chained record
   */
  public Checkpoint journalCheckpoint() {
    return JournalChain.checkpoint(store.journal());
  }

  /**
   * Verifies the journal's chain with this instance's KEK (see {@link JournalChain#verify}).
   *
   * @param anchored the last checkpoint anchored elsewhere, or {@code null}
   * @return the verdict, naming the first bad record if there is one, and the pending records
   */
  public JournalVerification verifyJournal(Checkpoint anchored) {
    return JournalChain.verify(kek, store.journal(), anchored);
  }

  /**
   * Appends a configuration verdict to the journal (at startup, for example a compliance profile's
   * result): a {@link JournalEvent#CONFIGURATION} record whose detail is {@code verdict}. Fails closed: if
   * the record cannot be written, this throws.
   *
   * @param outcome {@link Outcome#SUCCESS} when the configuration passed, else {@link Outcome#FAILURE}
   * @param verdict a short metadata text (at most {@value JournalRecord#MAX_DETAIL} characters), such as
   *     {@code "pci-dss-4.0.1: 12 rules passed"}
   * @throws StoreException if the record could not be written
   */
  public void recordConfiguration(Outcome outcome, String verdict) {
    requireNonNull(outcome, "outcome");
    requireNonNull(verdict, "verdict");
    journaling.append(JournalRecord.of(JournalEvent.CONFIGURATION, now()).withOutcome(outcome).withDetail(verdict));
  }

  /** The scheduler's run: purge, then chain the journal; neither may throw into the scheduler. */
  private void scheduledRun() {
    try {
      purgeDue();
    } catch (RuntimeException e) {
      LOG.warn("scheduled purge failed ({})", e.getClass().getSimpleName());
    }
    try {
      sealJournal();
    } catch (RuntimeException e) {
      LOG.warn("scheduled journal chaining failed ({})", e.getClass().getSimpleName());
    }
  }

  /** The host's conversation id behind what the store keeps ({@code null} if a reference does not open). */
  private String host(String stored, Instant now) {
    return sealing.hostId(stored, now);
  }

  /**
   * The host's conversation id for an event, or {@code null} when the lookup key behind conversation
   * references cannot be had (a KMS outage on an instance that has not unwrapped it yet): a purge needs no
   * key and must neither stop nor lose its events for want of one, and a failed reveal must still be
   * evidenced, with its own failure rather than the lookup key's.
   */
  private String eventHost(String stored, Instant now) {
    try {
      return host(stored, now);
    } catch (KekUnavailableException e) {
      LOG.debug("conversation id left out of an event: {}", e.getMessage());
      return null;
    }
  }

  /** A submission's status as the host sees it: with its own conversation id. */
  private SubmissionStatus statusOf(SubmissionMetadata m, Instant now) {
    SubmissionStatus st = SubmissionStatus.of(m, now);
    return new SubmissionStatus(st.id(), st.formId(), st.schemaVersion(), host(m.conversationId(), now),
        st.submittedAt(), st.viewsLeft(), st.maxViews(), st.purgeAt(), st.conversationEndedAt(), st.preview());
  }

  /**
   * Checks a host's conversation id: 1 to {@value #MAX_CONVERSATION_ID_LENGTH} characters, no control
   * characters.
   */
  private static void checkConversationId(String conversationId) {
    SubmissionMetadata.checkConversationId(conversationId);
    if (conversationId.length() > MAX_CONVERSATION_ID_LENGTH) {
      throw new IllegalArgumentException("conversationId must have 1 to " + MAX_CONVERSATION_ID_LENGTH
          + " characters, got " + conversationId.length());
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Feeds the in-process listeners, after the store committed the change and its journal records. */
  private void emit(FormEvent event) {
    for (FormEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("event listener failed ({}) on a {} event of submission {}",
            e.getClass().getSimpleName(), event.type(), event.submissionId());
      }
    }
  }

  /**
   * Moves to a new key-encryption key: every live epoch key (and the lookup key behind conversation
   * references) is re-wrapped by {@code newKek}, a compare-and-set per key, and new epoch keys are wrapped
   * by it. O(live epochs): no submission is rewritten. Other instances keep reading while they still hold
   * the old KEK, as long as it can still decrypt (a Tink keyset with the new key as primary and the old one
   * kept reads both); give them the new KEK before retiring the old one. Envelope v1 submissions (written
   * before the key hierarchy) keep needing the KEK this instance was built with.
   *
   * <p>Pass the keyset the instances now run with, new key primary and old key kept (docs/KEYS.md,
   * "Rotating the KEK"): every key not yet wrapped by its primary is re-wrapped, also those it can already
   * read through the old key, so that the old key can then be dropped.
   *
   * @param newKek the new key-encryption key
   * @return how many keys this call re-wrapped (0 when another instance did it already, for a KEK whose
   *     ciphertexts name their key, as Tink keysets' do)
   * @throws KekUnavailableException if either KEK failed; a retry continues where this one stopped
   */
  public int rotateKeyEncryptionKey(Aead newKek) {
    requireNonNull(newKek, "newKek");
    Instant now = now();
    int rewrapped = sealing.keys().rotate(instrumentation.kek(newKek), now);
    // After the epoch key store committed (it may live in another database): a retry re-wraps nothing
    // more and writes the record, so a failure here throws and the host retries.
    journaling.append(JournalRecord.of(JournalEvent.KEK_ROTATED, now).withDetail("rewrapped=" + rewrapped));
    return rewrapped;
  }

  /** Stops the retention scheduler. The store is the host's to close. */
  @Override
  public void close() {
    sealing.close();
    try {
      schedule.close();
    } catch (Exception e) {
      LOG.warn("stopping the retention scheduler failed ({})", e.getClass().getSimpleName());
    }
  }

  @Override
  public String toString() {
    return "SecureForms[store=" + store.getClass().getSimpleName() + ", kek=<masked>]";
  }

  /** Builds {@link SecureForms}. Each option may be set once (listeners may be added several times). */
  public static final class Builder {
    private Aead kek;
    private SubmissionStore store;
    private InstantSource clock;
    private final List<FormEventListener> listeners = new ArrayList<>();
    private boolean outbox;
    private boolean outboxSet;
    private final Set<String> reasonRequired = new java.util.TreeSet<>();
    private RevealAuthorizer authorizer;
    private RetentionScheduler scheduler;
    private int purgeBatchSize;
    private Duration endedConversationMemory;
    private EpochKeyStore epochKeyStore;
    private Duration epochWindow;
    private Duration epochGrace;
    private Instrumentation instrumentation;
    private dev.lhn.secureforms.compliance.CompliancePolicy compliance;
    private dev.lhn.secureforms.compliance.KekOrigin kekOrigin;
    private final List<FormSchema> declaredForms = new ArrayList<>();
    private dev.lhn.secureforms.text.SensitiveText transcriptDetector;
    private Duration journalRetention;
    private Compliance checkedCompliance;
    private FormRequestStore formRequestStore;
    private Duration sealingKeyRotation;
    private Duration sealingKeyGrace;
    private Duration formRequestLifetime;

    private Builder() {}

    /**
     * The key-encryption key, and where it lives: a compliance profile refuses
     * {@link dev.lhn.secureforms.compliance.KekOrigin#PLAINTEXT_KEYSET} and an undeclared origin (what
     * {@link #keyEncryptionKey(Aead)} means). The declaration is the integrator's: the library cannot see
     * inside an {@link Aead}.
     *
     * @param kek the key-encryption key
     * @param origin where it lives
     * @return this builder
     */
    public Builder keyEncryptionKey(Aead kek, dev.lhn.secureforms.compliance.KekOrigin origin) {
      requireNonNull(origin, "origin");
      keyEncryptionKey(kek);
      this.kekOrigin = origin;
      return this;
    }

    /**
     * Where used form requests are remembered, so that a browser-sealed payload is accepted once
     * (docs/BROWSER.md): required for {@link SecureForms#requestForm} with a durable submission store (a
     * {@code JdbcFormRequestStore} shared by every instance). Default {@link FormRequestStore#inMemory()}
     * with the in-memory submission store.
     *
     * @param formRequestStore the store
     * @return this builder
     */
    public Builder formRequestStore(FormRequestStore formRequestStore) {
      requireNonNull(formRequestStore, "formRequestStore");
      once(this.formRequestStore, "formRequestStore", this.formRequestStore);
      this.formRequestStore = formRequestStore;
      return this;
    }

    /**
     * A compliance profile ({@code CompliancePolicy.pciDss4()}, {@code hipaa()} or both): {@link #build()}
     * refuses a configuration or a declared form that breaks one of its rules, listing every broken rule
     * with its controls and the option to change ({@link dev.lhn.secureforms.compliance.ComplianceException});
     * {@link SecureForms#submit} refuses any other form that breaks a form rule, storing nothing.
     * See docs/COMPLIANCE.md.
     *
     * @param policy the profile
     * @return this builder
     */
    public Builder compliance(dev.lhn.secureforms.compliance.CompliancePolicy policy) {
      requireNonNull(policy, "policy");
      once(this.compliance, "compliance", this.compliance);
      this.compliance = policy;
      return this;
    }

    /**
     * Declares forms the host will submit, so that {@link #build()} checks them against the compliance
     * profile at startup rather than at their first submission. May be called several times.
     *
     * @param forms the forms
     * @return this builder
     */
    public Builder forms(FormSchema... forms) {
      for (FormSchema f : forms) {
        declaredForms.add(requireNonNull(f, "form"));
      }
      return this;
    }

    /**
     * How long one sealing key (the HPKE key pair browsers seal to) names new form requests before the
     * next one takes over: 1 minute to 1 day in whole minutes dividing a day; default 1 day.
     *
     * @param rotation the rotation period
     * @return this builder
     */
    public Builder sealingKeyRotation(Duration rotation) {
      requireNonNull(rotation, "rotation");
      once(this.sealingKeyRotation, "sealingKeyRotation", this.sealingKeyRotation);
      long m = rotation.toMinutes();
      if (rotation.compareTo(Duration.ofMinutes(1)) < 0 || rotation.compareTo(Duration.ofDays(1)) > 0
          || !rotation.equals(Duration.ofMinutes(m)) || 1440 % m != 0) {
        throw new IllegalArgumentException(
            "sealingKeyRotation must be 1 minute to 1 day in whole minutes dividing a day, got " + rotation);
      }
      this.sealingKeyRotation = rotation;
      return this;
    }

    /**
     * The detector {@link SecureForms#redactTranscript} and {@link SecureForms#redact} use before the host
     * stores, e-mails, exports or sends a chat transcript (#14). Setting it is what the compliance profile's
     * transcript rule asks for; {@code SensitiveText.defaults()} finds card numbers, card codes, expiries and
     * SSNs.
     *
     * @param detector the detector
     * @return this builder
     */
    public Builder transcriptRedaction(dev.lhn.secureforms.text.SensitiveText detector) {
      requireNonNull(detector, "detector");
      once(this.transcriptDetector, "transcriptRedaction", this.transcriptDetector);
      this.transcriptDetector = detector;
      return this;
    }

    /**
     * How long payloads sealed to a key are still accepted after its rotation period ended; then its
     * private key is destroyed. At least the form request lifetime, at most 7 days, whole seconds;
     * default 2 hours.
     *
     * @param grace the grace period
     * @return this builder
     */
    public Builder sealingKeyGrace(Duration grace) {
      requireNonNull(grace, "grace");
      once(this.sealingKeyGrace, "sealingKeyGrace", this.sealingKeyGrace);
      if (grace.isNegative() || grace.compareTo(Duration.ofDays(7)) > 0 || grace.getNano() != 0) {
        throw new IllegalArgumentException("sealingKeyGrace must be 0 to 7 days in whole seconds, got " + grace);
      }
      this.sealingKeyGrace = grace;
      return this;
    }

    /**
     * How long a form request may be used after the operator sent it: 1 minute to 7 days, whole seconds,
     * at most the sealing key grace; default 1 hour.
     *
     * @param lifetime the lifetime
     * @return this builder
     */
    public Builder formRequestLifetime(Duration lifetime) {
      requireNonNull(lifetime, "lifetime");
      once(this.formRequestLifetime, "formRequestLifetime", this.formRequestLifetime);
      if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofDays(7)) > 0
          || lifetime.getNano() != 0) {
        throw new IllegalArgumentException("formRequestLifetime must be 1 minute to 7 days in whole seconds, got "
            + lifetime);
      }
      this.formRequestLifetime = lifetime;
      return this;
    }

    /**
     * The key-encryption key that wraps every submission's data key: a Tink {@link Aead}, from a KMS
     * ({@code KmsClient.getAead}) or a local keyset that is itself encrypted. Required. Keep it out of the
     * database that holds the submissions.
     *
     * @param kek the key-encryption key
     * @return this builder
     */
    public Builder keyEncryptionKey(Aead kek) {
      requireNonNull(kek, "kek");
      once(this.kek, "keyEncryptionKey", "<masked>");
      this.kek = kek;
      return this;
    }

    /**
     * Where submissions live. Required.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(SubmissionStore store) {
      requireNonNull(store, "store");
      once(this.store, "store", this.store);
      this.store = store;
      return this;
    }

    /**
     * The clock; default {@link InstantSource#system()}. Tests pass a manual clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      requireNonNull(clock, "clock");
      once(this.clock, "clock", this.clock);
      this.clock = clock;
      return this;
    }

    /**
     * Adds a listener that receives every event (metadata only).
     *
     * @param listener the listener; its exceptions are logged and swallowed
     * @return this builder
     */
    public Builder listener(FormEventListener listener) {
      requireNonNull(listener, "listener");
      listeners.add(listener);
      return this;
    }

    /**
     * Whether every host-facing journal record is also written as an {@link dev.lhn.secureforms.spi.OutboxMessage}
     * in the same transaction, for the webhook relay or change data capture; default off.
     *
     * @param enabled whether to write the outbox
     * @return this builder
     */
    public Builder outbox(boolean enabled) {
      if (outboxSet) {
        throw new IllegalStateException("outbox was already set to " + outbox);
      }
      this.outbox = enabled;
      this.outboxSet = true;
      return this;
    }

    /**
     * Forms whose reveals require a reason for access ({@link Viewer#reason()}): a reveal without one is
     * denied ({@link RevealDeniedException}, a denied journal record) and consumes nothing. May be called
     * several times; the sets add up.
     *
     * @param formIds the forms' ids
     * @return this builder
     */
    public Builder requireReasonFor(String... formIds) {
      for (String f : requireNonNull(formIds, "formIds")) {
        reasonRequired.add(requireNonNull(f, "formId"));
      }
      return this;
    }

    /**
     * How long journal records are kept before the scheduled purge deletes them (chained records only,
     * oldest first, keeping the rest verifiable); default {@link SecureForms#DEFAULT_JOURNAL_RETENTION 400 days}.
     *
     * @param retention at least {@link SecureForms#MIN_JOURNAL_RETENTION 365 days} (PCI DSS 10.5.1)
     * @return this builder
     */
    public Builder journalRetention(Duration retention) {
      requireNonNull(retention, "retention");
      once(this.journalRetention, "journalRetention", this.journalRetention);
      if (retention.compareTo(MIN_JOURNAL_RETENTION) < 0) {
        throw new IllegalArgumentException("journalRetention must be at least " + MIN_JOURNAL_RETENTION.toDays()
            + " days (PCI DSS 10.5.1 keeps audit logs for twelve months), got " + retention);
      }
      this.journalRetention = retention;
      return this;
    }

    /**
     * Asked before every reveal; default {@link RevealAuthorizer#ALLOW_ALL}.
     *
     * @param authorizer the authorizer
     * @return this builder
     */
    public Builder revealAuthorizer(RevealAuthorizer authorizer) {
      requireNonNull(authorizer, "authorizer");
      once(this.authorizer, "revealAuthorizer", this.authorizer);
      this.authorizer = authorizer;
      return this;
    }

    /**
     * What triggers {@link SecureForms#purgeDue()}; default {@link RetentionScheduler#defaults()}.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder retentionScheduler(RetentionScheduler scheduler) {
      requireNonNull(scheduler, "scheduler");
      once(this.scheduler, "retentionScheduler", this.scheduler);
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Rows per purge batch, 1 to 10,000; default 1,000.
     *
     * @param purgeBatchSize rows per batch, 1 to 10,000
     * @return this builder
     */
    public Builder purgeBatchSize(int purgeBatchSize) {
      if (this.purgeBatchSize != 0) {
        throw new IllegalStateException("purgeBatchSize was already set to " + this.purgeBatchSize);
      }
      if (purgeBatchSize < 1 || purgeBatchSize > 10_000) {
        throw new IllegalArgumentException("purgeBatchSize must be 1 to 10000, got " + purgeBatchSize);
      }
      this.purgeBatchSize = purgeBatchSize;
      return this;
    }

    /**
     * Where the epoch keys live (docs/KEYS.md): required with a durable submission store. Put it outside
     * the submissions' backup domain (a separate {@code DataSource} for {@code JdbcEpochKeyStore}), or a
     * purge does not hold in backups. Default {@link EpochKeyStore#inMemory()} with the in-memory
     * submission store (both go with the JVM).
     *
     * @param epochKeyStore the store of wrapped epoch keys
     * @return this builder
     */
    public Builder epochKeyStore(EpochKeyStore epochKeyStore) {
      requireNonNull(epochKeyStore, "epochKeyStore");
      once(this.epochKeyStore, "epochKeyStore", this.epochKeyStore);
      this.epochKeyStore = epochKeyStore;
      return this;
    }

    /**
     * The epoch window: submissions whose hard deadlines fall in one window share an epoch key, destroyed
     * at the window's end plus the grace period. 1 minute to 1 day, whole minutes dividing a day; default
     * 1 hour. Shorter windows erase sooner and call the KEK more often (about one call per window per
     * instance).
     *
     * @param window the window length
     * @return this builder
     */
    public Builder epochWindow(Duration window) {
      requireNonNull(window, "window");
      once(this.epochWindow, "epochWindow", this.epochWindow);
      long m = window.toMinutes();
      if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0
          || !window.equals(Duration.ofMinutes(m)) || 1440 % m != 0) {
        throw new IllegalArgumentException(
            "epochWindow must be 1 minute to 1 day in whole minutes dividing a day, got " + window);
      }
      this.epochWindow = window;
      return this;
    }

    /**
     * How long an epoch key outlives its window: the clock skew between instances and a reveal in
     * flight. 0 to 1 hour, whole seconds; default 5 minutes.
     *
     * @param grace the grace period
     * @return this builder
     */
    public Builder epochGrace(Duration grace) {
      requireNonNull(grace, "grace");
      once(this.epochGrace, "epochGrace", this.epochGrace);
      if (grace.isNegative() || grace.compareTo(Duration.ofHours(1)) > 0 || grace.getNano() != 0) {
        throw new IllegalArgumentException("epochGrace must be 0 to 1 hour in whole seconds, got " + grace);
      }
      this.epochGrace = grace;
      return this;
    }

    /**
     * How long the store remembers that a conversation ended, so that a submission made to it afterwards
     * (a visitor's form left open) gets the end rules at once: stored with its after-conversation deadline
     * and without the fields purged at the end, or refused with {@link ConversationEndedException} when
     * nothing of it would be kept. 1 minute to 366 days, whole milliseconds; default 7 days. A help desk
     * that reopens a conversation should give the reopened part a new conversation id.
     *
     * @param memory how long an ended conversation is remembered
     * @return this builder
     */
    public Builder endedConversationMemory(Duration memory) {
      requireNonNull(memory, "memory");
      once(this.endedConversationMemory, "endedConversationMemory", this.endedConversationMemory);
      if (memory.compareTo(Duration.ofMinutes(1)) < 0 || memory.compareTo(Duration.ofDays(366)) > 0
          || memory.getNano() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "endedConversationMemory must be 1 minute to 366 days in whole milliseconds, got " + memory);
      }
      this.endedConversationMemory = memory;
      return this;
    }

    /**
     * Reports every submit, reveal, purge run and key-encryption-key call as a Micrometer
     * {@code Observation} ({@code lhn.secure-forms.submit}, {@code .reveal}, {@code .purge}, {@code .kek})
     * with low-cardinality key values only: the outcome, and the form id on submits; never a submission
     * id, an operator, a conversation or a value. Default none. Micrometer is an optional dependency:
     * without this call the core never loads it.
     *
     * @param registry where the observations go
     * @return this builder
     */
    @SuppressWarnings("exports") // Micrometer is optional (requires static): only callers that pass a registry need it
    public Builder observationRegistry(io.micrometer.observation.ObservationRegistry registry) {
      requireNonNull(registry, "registry");
      once(this.instrumentation, "observationRegistry", "an ObservationRegistry");
      this.instrumentation = Observations.of(registry);
      return this;
    }

    /**
     * Builds the instance and starts its retention scheduler.
     *
     * @return the instance, its retention scheduler started
     * @throws IllegalStateException if the key-encryption key or the store is missing
     */
    public SecureForms build() {
      if (kek == null) {
        throw new IllegalStateException("keyEncryptionKey is required (a Tink Aead: a KMS key or a local keyset)");
      }
      if (store == null) {
        throw new IllegalStateException("store is required (SubmissionStore.inMemory() or a JDBC store)");
      }
      if (epochKeyStore == null && !(store instanceof InMemorySubmissionStore)) {
        throw new IllegalStateException("epochKeyStore is required with a durable submission store: a"
            + " JdbcEpochKeyStore on a DataSource kept out of the submissions' backups (docs/KEYS.md)");
      }
      checkedCompliance = Compliance.enforce(compliance, Compliance.inMemory(store),
          journalRetention == null ? DEFAULT_JOURNAL_RETENTION : journalRetention,
          kekOrigin == null ? dev.lhn.secureforms.compliance.KekOrigin.UNDECLARED : kekOrigin,
          authorizer == null || authorizer == RevealAuthorizer.ALLOW_ALL,
          epochWindow == null ? DEFAULT_EPOCH_WINDOW : epochWindow, transcriptDetector != null, declaredForms);
      Duration lifetime = formRequestLifetime == null ? DEFAULT_FORM_REQUEST_LIFETIME : formRequestLifetime;
      Duration sealingGrace = sealingKeyGrace == null ? DEFAULT_SEALING_KEY_GRACE : sealingKeyGrace;
      if (lifetime.compareTo(sealingGrace) > 0) {
        throw new IllegalStateException("formRequestLifetime (" + lifetime + ") must not exceed sealingKeyGrace ("
            + sealingGrace + "): a form request must not outlive the key it names");
      }
      SecureForms forms = new SecureForms(this);
      if (checkedCompliance != null) {
        // #14: the profile's verdict is evidence too; an instance whose verdict cannot be journaled does not start.
        try {
          forms.recordConfiguration(Outcome.SUCCESS, checkedCompliance.verdict());
        } catch (RuntimeException e) {
          forms.close();
          throw e;
        }
      }
      return forms;
    }

    private static void once(Object current, String option, Object shown) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set to " + shown);
      }
    }
  }
}
