package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import com.google.crypto.tink.Aead;
import dev.lhn.secureforms.KekUnavailableException;
import dev.lhn.secureforms.DecryptionException;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code SecureForms} seals and opens: envelope v2 under the key hierarchy for everything it writes,
 * envelope v1 under the KEK for what was written before; the conversation references the store keeps
 * instead of the host's ids. Thread-safe.
 */
public final class Sealing implements AutoCloseable {
  /** The key class of submission and field data keys. */
  public static final String DATA = "data";
  /** The key class of the lookup key behind conversation references: never destroyed, re-wrapped on rotation. */
  static final String LOOKUP = "lookup";
  private static final EpochKeyId LOOKUP_ID = new EpochKeyId("", LOOKUP, 0, Duration.ofDays(1).toMillis());
  private static final Instant LOOKUP_LIVES_UNTIL = Instant.parse("9999-12-31T00:00:00Z");

  private final Envelope v1;
  private final KeyHierarchy keys;
  private volatile ConversationRefs refs;
  /** When loading the lookup key last failed (a KMS outage), or {@code null}. */
  private volatile Instant lookupFailedAt;
  private static final Duration LOOKUP_RETRY = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(Sealing.class);

  /**
   * @param kek the key-encryption key (v1 envelopes and every epoch key)
   * @param keys the key hierarchy over the same KEK
   */
  public Sealing(Aead kek, KeyHierarchy keys) {
    this.v1 = new Envelope(requireNonNull(kek, "kek"));
    this.keys = requireNonNull(keys, "keys");
  }

  /** The key hierarchy. */
  public KeyHierarchy keys() {
    return keys;
  }

  // --------------------------------------------------------------------------- conversation references

  private ConversationRefs refs(Instant now) {
    ConversationRefs r = refs;
    if (r == null) {
      synchronized (this) {
        r = refs;
        if (r == null) {
          Instant failed = lookupFailedAt;
          if (failed != null && now.isBefore(failed.plus(LOOKUP_RETRY))) {
            // during an outage, one KEK call per LOOKUP_RETRY, not one per event of a purge batch
            throw new KekUnavailableException("the lookup key is unavailable (the KEK failed at " + failed
                + "; retried after " + LOOKUP_RETRY + ")");
          }
          byte[] key;
          try {
            key = keys.longLivedKey(LOOKUP_ID, 64, LOOKUP_LIVES_UNTIL, now);
          } catch (KekUnavailableException e) {
            lookupFailedAt = now;
            LOG.warn("{}; conversation ids are left out until it answers", e.getMessage());
            throw e;
          }
          lookupFailedAt = null;
          try {
            r = new ConversationRefs(key);
          } finally {
            Arrays.fill(key, (byte) 0);
          }
          refs = r;
        }
      }
    }
    return r;
  }

  /** What the store keeps for a host's conversation id. */
  public String ref(String conversationId, Instant now) {
    return refs(now).ref(conversationId);
  }

  /**
   * Loads the lookup key behind conversation references, so that {@link #hostId} needs no store read or
   * KEK call later (under a row lock, say).
   *
   * @throws dev.lhn.secureforms.KekUnavailableException if the KEK failed
   */
  public void loadLookupKey(Instant now) {
    refs(now);
  }

  /**
   * The host's conversation id behind what the store keeps: the id itself for rows written before
   * references, {@code null} for a reference that does not open (tampered).
   */
  public String hostId(String stored, Instant now) {
    return stored == null || !stored.startsWith(ConversationRefs.PREFIX) ? stored : hostIdLoaded(stored, refs(now));
  }

  /**
   * {@link #hostId} without loading anything: {@code null} for a reference while the lookup key is not
   * loaded. For code that runs under a row lock.
   */
  public String hostIdIfLoaded(String stored) {
    ConversationRefs r = refs;
    return stored == null || !stored.startsWith(ConversationRefs.PREFIX) ? stored
        : r == null ? null : hostIdLoaded(stored, r);
  }

  private static String hostIdLoaded(String stored, ConversationRefs r) {
    return r.hostId(stored).orElse(null);
  }

  // --------------------------------------------------------------------------- sealing

  /**
   * Seals a submission into envelope v2: slot 0 under the epoch of its hard deadline, and one slot per
   * earlier epoch that a field's own maximum age reaches (the card code).
   *
   * @param ref the conversation reference the metadata will carry
   * @throws dev.lhn.secureforms.KekUnavailableException if an epoch key had to be created or read and the KEK
   *     failed; nothing was stored
   */
  public byte[] seal(SubmissionId id, FormSchema form, String ref, Instant now, NormalizedValues values) {
    Instant hardDeadline = now.plus(form.retention().maxAge());
    EpochKeyId subEpoch = keys.epochOf("", DATA, hardDeadline);
    Map<EpochKeyId, Integer> slotOf = new LinkedHashMap<>();
    slotOf.put(subEpoch, 0);
    Map<String, Integer> fieldSlot = new HashMap<>();
    List<Policy.FieldRetention> policyFields = policyFields(form);
    for (int i = 0; i < values.size(); i++) {
      Field f = form.field(values.name(i));
      Duration own = f.retention().maxAge();
      int slot = 0;
      if (own != null && now.plus(own).isBefore(hardDeadline)) {
        EpochKeyId fieldEpoch = keys.epochOf("", DATA, now.plus(own));
        if (!fieldEpoch.equals(subEpoch)) {
          slot = slotOf.computeIfAbsent(fieldEpoch, e -> slotOf.size());
        }
      }
      fieldSlot.put(f.name(), slot);
    }
    Policy policy = new Policy(form.formId(), form.version(), ConversationRefs.refBytes(ref), now.toEpochMilli(),
        hardDeadline.toEpochMilli(), form.revealPolicy().maxViews(),
        millisOrNone(form.revealPolicy().windowAfterFirstView()),
        millisOrNone(form.retention().afterConversationEnd()), "", policyFields);
    List<KeySlot> slots = new ArrayList<>(slotOf.size());
    try {
      for (EpochKeyId e : slotOf.keySet()) {
        byte[] k = keys.keyForSealing(e, now);
        try {
          slots.add(new KeySlot(slotId(e), k));
        } finally {
          Arrays.fill(k, (byte) 0);
        }
      }
      return EnvelopeV2.seal(id, policy, values, slots, fieldSlot::get);
    } finally {
      slots.forEach(KeySlot::close);
    }
  }

  /** The last form's policy field list: a form is immutable, and most services seal one or two forms. */
  private volatile FormFields lastFormFields;

  private record FormFields(FormSchema form, List<Policy.FieldRetention> fields) {}

  /** The form's field list with each field's own retention, as the policy carries it; built once per form. */
  private List<Policy.FieldRetention> policyFields(FormSchema form) {
    FormFields last = lastFormFields;
    if (last != null && last.form() == form) {
      return last.fields();
    }
    List<Policy.FieldRetention> fields = new ArrayList<>();
    for (Field f : form.fields()) {
      RetentionPolicy r = f.retention();
      fields.add(new Policy.FieldRetention(f.name(), millisOrNone(r.maxAge()), millisOrNone(r.afterConversationEnd())));
    }
    List<Policy.FieldRetention> copy = List.copyOf(fields);
    lastFormFields = new FormFields(form, copy);
    return copy;
  }

  private static long millisOrNone(Duration d) {
    return d == null ? Policy.NONE : d.toMillis();
  }

  private static KeySlotId slotId(EpochKeyId e) {
    return new KeySlotId(e.tenant(), e.keyClass(), e.windowStartMillis(), e.windowLengthMillis());
  }

  private static EpochKeyId epochId(KeySlotId s) {
    return new EpochKeyId(s.tenant(), s.keyClass(), s.windowStartMillis(), s.windowLengthMillis());
  }

  // --------------------------------------------------------------------------- opening

  /** What {@link #open} found: the opened fields, or that the submission is crypto-erased. */
  public record Opened(String[] names, byte[][] values, boolean erased) {}

  /**
   * Opens a stored submission's fields, except {@code skip} (fields whose own deadline passed by the
   * metadata) and except fields whose own epoch key is destroyed (crypto-erased: treated as purged). For
   * v2, checks the store's metadata against the authenticated policy first, and decides "due" against the
   * authenticated copy.
   *
   * @return the opened fields; {@code erased} when the submission's own epoch key is destroyed
   * @throws DecryptionException if the envelope is malformed or tampered with, or the metadata disagrees
   *     with the sealed policy (naming what disagrees, never a value)
   * @throws dev.lhn.secureforms.KekUnavailableException if an epoch key had to be unwrapped and the KEK failed
   */
  public Opened open(StoredSubmission s, Instant at, Set<String> skip) {
    SubmissionMetadata m = s.metadata();
    byte[] env = s.envelope();
    Predicate<String> wanted = name -> !skip.contains(name);
    if (EnvelopeV2.version(env) == Envelope.VERSION) {
      Envelope.Opened o = v1.open(env, m.id(), m.formId(), m.schemaVersion(), wanted);
      return new Opened(o.names(), o.values(), false);
    }
    // Keys from memory only: this runs while the store holds the row, so no store read and no KEK call
    // here; a key not loaded yet aborts the claim (KeyHierarchy.NotCached) to be loaded outside the lock.
    try (EnvelopeV2.Opened o = EnvelopeV2.open(env, m.id(), slot -> keys.cached(epochId(slot), at), wanted)) {
      if (o.destroyed()) {
        EpochKeyId own = keys.epochOf("", DATA, m.expiresAt());
        if (at.isBefore(keys.destroyAt(own))) {
          // its own epoch cannot have been destroyed yet: a rewritten slot or deadline
          throw new DecryptionException("submission " + m.id() + ": its epoch key is missing before its epoch ended");
        }
        return new Opened(new String[0], new byte[0][], true);
      }
      checkPolicy(o.policy(), m, o.storedFields());
      for (KeySlotId gone : o.destroyedSlots()) {
        if (at.isBefore(keys.destroyAt(epochId(gone)))) {
          throw new DecryptionException("submission " + m.id() + ": a field's epoch key is missing before its epoch ended");
        }
      }
      List<String> names = o.names();
      String[] n = new String[names.size()];
      byte[][] v = new byte[names.size()][];
      for (int i = 0; i < n.length; i++) {
        n[i] = names.get(i);
        v[i] = o.valueUtf8(i).clone();
      }
      return new Opened(n, v, false);
    }
  }

  /**
   * {@link #open} for a caller that holds no row lock (tools, tests): loads each epoch key it needs
   * first.
   *
   * @return what {@link #open} returns
   */
  public Opened openLoadingKeys(StoredSubmission s, Instant at, Set<String> skip) {
    for (int attempt = 0; ; attempt++) {
      try {
        return open(s, at, skip);
      } catch (KeyHierarchy.NotCached missing) {
        if (attempt > EnvelopeV2.MAX_SLOTS) {
          throw new IllegalStateException("epoch key " + missing.id() + " did not stay loaded");
        }
        keys.load(missing.id(), at);
      }
    }
  }

  /**
   * The store's metadata against the policy the envelope authenticates: a writer with access to the table
   * cannot add views, extend a deadline, move the submission to another conversation or drop a field's
   * rule without the reveal refusing it.
   */
  private static void checkPolicy(Policy p, SubmissionMetadata m, List<String> stored) {
    String what = null;
    if (!p.formId().equals(m.formId()) || p.schemaVersion() != m.schemaVersion()) {
      what = "form";
    } else if (!p.hasConversationRef(ConversationRefs.refBytes(m.conversationId()))) {
      what = "conversation";
    } else if (p.submittedAtMillis() != m.submittedAt().toEpochMilli()) {
      what = "submission time";
    } else if (p.hardDeadlineMillis() != m.expiresAt().toEpochMilli()
        || m.purgeAt().toEpochMilli() > p.hardDeadlineMillis()) {
      what = "deadline";
    } else if (p.maxViews() != m.maxViews() || m.viewsLeft() > p.maxViews()) {
      what = "views";
    } else if (p.revealWindowMillis() != millisOrNone(m.revealWindow())) {
      what = "reveal window";
    } else if (p.afterConversationEndMillis() != millisOrNone(m.purgeAfterConversationEnd())) {
      what = "purge after the conversation's end";
    } else if (!fieldRulesAgree(p, m, stored)) {
      what = "field retention";
    }
    if (what != null) {
      throw new DecryptionException("submission " + m.id() + ": the stored " + what
          + " disagrees with the sealed policy; nothing was revealed");
    }
  }

  /** Every stored field with a rule of its own in the policy has that rule in the metadata, unchanged. */
  private static boolean fieldRulesAgree(Policy p, SubmissionMetadata m, List<String> present) {
    Map<String, RetentionPolicy> stored = m.fieldRetention();
    for (Policy.FieldRetention f : p.fields()) {
      boolean hasRule = f.maxAgeMillis() != Policy.NONE || f.afterConversationEndMillis() != Policy.NONE;
      RetentionPolicy r = stored.get(f.name());
      if (r == null) {
        if (hasRule && present.contains(f.name())) {
          return false;
        }
        continue;
      }
      if (!hasRule || millisOrNone(r.maxAge()) != f.maxAgeMillis()
          || millisOrNone(r.afterConversationEnd()) != f.afterConversationEndMillis()) {
        return false;
      }
    }
    for (String name : stored.keySet()) {
      if (!p.hasField(name)) {
        return false;
      }
    }
    return true;
  }

  // --------------------------------------------------------------------------- structure

  /** The names of the fields an envelope holds (v1 or v2); no key is used. */
  public static Set<String> fieldNames(byte[] envelope) {
    if (EnvelopeV2.version(envelope) == Envelope.VERSION) {
      return new LinkedHashSet<>(Arrays.asList(Envelope.fieldNames(envelope)));
    }
    return new LinkedHashSet<>(EnvelopeV2.parse(envelope).fieldSlots().keySet());
  }

  /** The envelope without the given fields (v1 or v2; for v2 also without the key slots left unused). */
  public static byte[] withoutFields(byte[] envelope, Set<String> drop) {
    return EnvelopeV2.version(envelope) == Envelope.VERSION
        ? Envelope.withoutFields(envelope, drop) : EnvelopeV2.withoutFields(envelope, drop);
  }

  /** Wipes the cached keys. */
  @Override
  public void close() {
    keys.close();
  }
}
