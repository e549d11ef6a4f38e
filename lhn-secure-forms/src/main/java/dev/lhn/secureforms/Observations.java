package dev.lhn.secureforms;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.retention.PurgeReason;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Micrometer Observation API behind {@link Instrumentation}: the only class of the core that links
 * Micrometer, loaded only when {@link SecureForms.Builder#observationRegistry} was called.
 *
 * <p>Observations and their low-cardinality key values (the only ones that become metric tags):
 * <ul>
 *   <li>{@code lhn.secure-forms.submit}: {@code outcome} (stored, invalid, conversation-ended, failed),
 *       {@code form} (the form id: a name the integrator chose for a schema, bounded and not personal);
 *   <li>{@code lhn.secure-forms.reveal}: {@code outcome} (revealed, empty, denied, failed);
 *   <li>{@code lhn.secure-forms.purge}: {@code outcome} (purged, none, failed); one event
 *       {@code purged.<reason>} per purged item (a counter {@code lhn.secure-forms.purge.purged.<reason>}
 *       with a meter handler), high-cardinality {@code purged.count} and {@code lag.ms};
 *   <li>{@code lhn.secure-forms.kek}: {@code operation} (encrypt, decrypt), {@code outcome} (success,
 *       failed).
 * </ul>
 * Never a submission id, an operator, a conversation or a value.
 */
final class Observations implements Instrumentation {
  static final String SUBMIT = "lhn.secure-forms.submit";
  static final String REVEAL = "lhn.secure-forms.reveal";
  static final String PURGE = "lhn.secure-forms.purge";
  static final String KEK = "lhn.secure-forms.kek";
  private static final String OUTCOME = "outcome";

  private final ObservationRegistry registry;

  private Observations(ObservationRegistry registry) {
    this.registry = registry;
  }

  /** The instrumentation for a registry; {@link Instrumentation#NONE} for the no-op registry. */
  static Instrumentation of(ObservationRegistry registry) {
    requireNonNull(registry, "registry");
    return registry.isNoop() ? NONE : new Observations(registry);
  }

  @Override
  @SuppressWarnings("try") // the scope is opened for what runs inside it, never read
  public SubmissionReceipt submit(String formId, Supplier<SubmissionReceipt> submit) {
    Observation o = Observation.createNotStarted(SUBMIT, registry)
        .contextualName("secure-forms submit")
        .lowCardinalityKeyValue("form", formId)
        .start();
    try (Observation.Scope scope = o.openScope()) {
      SubmissionReceipt r = submit.get();
      o.lowCardinalityKeyValue(OUTCOME, "stored");
      return r;
    } catch (InvalidSubmissionException e) {
      o.lowCardinalityKeyValue(OUTCOME, "invalid");
      throw e;
    } catch (ConversationEndedException e) {
      o.lowCardinalityKeyValue(OUTCOME, "conversation-ended");
      throw e;
    } catch (RuntimeException e) {
      o.lowCardinalityKeyValue(OUTCOME, "failed");
      o.error(Failure.of(e));
      throw e;
    } finally {
      o.stop();
    }
  }

  @Override
  @SuppressWarnings("try") // the scope is opened for what runs inside it, never read
  public Optional<RevealedSubmission> reveal(Supplier<Optional<RevealedSubmission>> reveal) {
    Observation o = Observation.createNotStarted(REVEAL, registry)
        .contextualName("secure-forms reveal")
        .start();
    try (Observation.Scope scope = o.openScope()) {
      Optional<RevealedSubmission> r = reveal.get();
      o.lowCardinalityKeyValue(OUTCOME, r.isPresent() ? "revealed" : "empty");
      return r;
    } catch (RevealDeniedException e) {
      o.lowCardinalityKeyValue(OUTCOME, "denied");
      throw e;
    } catch (RuntimeException e) {
      o.lowCardinalityKeyValue(OUTCOME, "failed");
      o.error(Failure.of(e));
      throw e;
    } finally {
      o.stop();
    }
  }

  @Override
  @SuppressWarnings("try") // the scope is opened for what runs inside it, never read
  public PurgeRun purge(Supplier<PurgeRun> purge) {
    Observation o = Observation.createNotStarted(PURGE, registry)
        .contextualName("secure-forms purge")
        .start();
    try (Observation.Scope scope = o.openScope()) {
      PurgeRun run = purge.get();
      o.lowCardinalityKeyValue(OUTCOME, run.purged() > 0 ? "purged" : "none");
      o.highCardinalityKeyValue("purged.count", Integer.toString(run.purged()));
      o.highCardinalityKeyValue("lag.ms", Long.toString(run.lag().toMillis()));
      for (Map.Entry<PurgeReason, Integer> e : run.byReason().entrySet()) {
        String reason = e.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-');
        Observation.Event event = Observation.Event.of("purged." + reason);
        for (int i = 0; i < e.getValue(); i++) {
          o.event(event);
        }
      }
      return run;
    } catch (RuntimeException e) {
      o.lowCardinalityKeyValue(OUTCOME, "failed");
      o.error(Failure.of(e));
      throw e;
    } finally {
      o.stop();
    }
  }

  @Override
  public Aead kek(Aead kek) {
    requireNonNull(kek, "kek");
    return new ObservedAead(kek, registry);
  }

  /** The KEK, observed: {@code lhn.secure-forms.kek} per encrypt and decrypt. */
  private static final class ObservedAead implements Aead {
    private final Aead delegate;
    private final ObservationRegistry registry;

    ObservedAead(Aead delegate, ObservationRegistry registry) {
      this.delegate = delegate;
      this.registry = registry;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
      Observation o = start("encrypt");
      try {
        byte[] out = delegate.encrypt(plaintext, associatedData);
        o.lowCardinalityKeyValue(OUTCOME, "success");
        return out;
      } catch (GeneralSecurityException | RuntimeException e) {
        o.lowCardinalityKeyValue(OUTCOME, "failed");
        o.error(Failure.of(e));
        throw e;
      } finally {
        o.stop();
      }
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
      Observation o = start("decrypt");
      try {
        byte[] out = delegate.decrypt(ciphertext, associatedData);
        o.lowCardinalityKeyValue(OUTCOME, "success");
        return out;
      } catch (GeneralSecurityException | RuntimeException e) {
        o.lowCardinalityKeyValue(OUTCOME, "failed");
        o.error(Failure.of(e));
        throw e;
      } finally {
        o.stop();
      }
    }

    private Observation start(String operation) {
      return Observation.createNotStarted(KEK, registry)
          .contextualName("secure-forms kek " + operation)
          .lowCardinalityKeyValue("operation", operation)
          .start();
    }

    @Override
    public String toString() {
      return "ObservedAead[<masked>]";
    }
  }

  /**
   * What a tracer or handler sees of a failure: the exception's class name only. Messages can name
   * submission ids and a KMS's messages can quote anything; neither belongs in a span.
   */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Failure(String type) {
      super(type, null, false, false);
    }

    static Failure of(Throwable t) {
      return new Failure(t.getClass().getSimpleName());
    }
  }
}
