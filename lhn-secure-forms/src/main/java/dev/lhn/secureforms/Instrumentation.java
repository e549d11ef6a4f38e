package dev.lhn.secureforms;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.retention.PurgeReason;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@link SecureForms} reports about its operations, free of any Micrometer type so that the core
 * loads without Micrometer on the class path: {@link #NONE} unless the builder was given an
 * {@code ObservationRegistry}, then {@link Observations} (the one class that links Micrometer).
 *
 * <p>Everything here sees outcomes, form ids and counts only: never a submission id, an operator, a
 * conversation or a value.
 */
interface Instrumentation {
  /** Reports nothing. */
  Instrumentation NONE = new Instrumentation() {
    @Override
    public SubmissionReceipt submit(String formId, Supplier<SubmissionReceipt> submit) {
      return submit.get();
    }

    @Override
    public Optional<RevealedSubmission> reveal(Supplier<Optional<RevealedSubmission>> reveal) {
      return reveal.get();
    }

    @Override
    public PurgeRun purge(Supplier<PurgeRun> purge) {
      return purge.get();
    }

    @Override
    public Aead kek(Aead kek) {
      return kek;
    }
  };

  /** Runs and reports one submit (outcome stored, invalid, conversation-ended or failed). */
  SubmissionReceipt submit(String formId, Supplier<SubmissionReceipt> submit);

  /** Runs and reports one reveal (outcome revealed, empty, denied or failed). */
  Optional<RevealedSubmission> reveal(Supplier<Optional<RevealedSubmission>> reveal);

  /** Runs and reports one purge run (counts by reason and the purge lag). */
  PurgeRun purge(Supplier<PurgeRun> purge);

  /** The key-encryption key, decorated so that every encrypt and decrypt is reported. */
  Aead kek(Aead kek);

  /**
   * What one {@link SecureForms#purgeDue()} run did.
   *
   * @param purged how many submissions and single fields it purged
   * @param byReason how many whole submissions (and single fields, as {@link PurgeReason#FIELD}) by reason
   * @param lag now minus the earliest deadline among the submissions it purged; zero when none
   */
  record PurgeRun(int purged, Map<PurgeReason, Integer> byReason, Duration lag) {
    public PurgeRun {
      byReason = Map.copyOf(byReason);
    }
  }
}
