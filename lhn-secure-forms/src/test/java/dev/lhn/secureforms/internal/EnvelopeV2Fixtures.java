package dev.lhn.secureforms.internal;

import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.schema.NormalizedValues;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Shared inputs of the envelope v2 tests: policies from schemas, fixed epoch keys, deterministic randomness. */
final class EnvelopeV2Fixtures {
  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  static final long HOUR = 3_600_000L;
  static final byte[] CONVERSATION = "conv-ref:AZ3x9".getBytes(StandardCharsets.US_ASCII);

  private EnvelopeV2Fixtures() {}

  /**
   * The policy of a submission of {@code form} at {@link #NOW}, each field's own maximum age as given
   * (milliseconds, absent = none).
   */
  static Policy policy(FormSchema form, String tenant, Map<String, Long> fieldMaxAge) {
    long submitted = NOW.toEpochMilli();
    Duration maxAge = form.retention().maxAge() == null ? Duration.ofHours(24) : form.retention().maxAge();
    Duration afterEnd = form.retention().afterConversationEnd();
    Duration window = form.revealPolicy().windowAfterFirstView();
    List<Policy.FieldRetention> fields = new ArrayList<>();
    for (Field f : form.fields()) {
      Duration fe = f.retention().afterConversationEnd();
      fields.add(new Policy.FieldRetention(f.name(), fieldMaxAge.getOrDefault(f.name(), Policy.NONE),
          fe == null ? Policy.NONE : fe.toMillis()));
    }
    return new Policy(form.formId(), form.version(), CONVERSATION, submitted, submitted + maxAge.toMillis(),
        form.revealPolicy().maxViews(), window == null ? Policy.NONE : window.toMillis(),
        afterEnd == null ? Policy.NONE : afterEnd.toMillis(), tenant, fields);
  }

  /** The epoch key id of the 1-hour window holding {@code deadline}. */
  static KeySlotId slotId(String tenant, long deadline) {
    return new KeySlotId(tenant, "data", Math.floorDiv(deadline, HOUR) * HOUR, HOUR);
  }

  /** Fixed, published test epoch key number {@code n}: SHA-256("lsf test epoch key " + n). */
  static byte[] epochKey(int n) {
    return sha256(("lsf test epoch key " + n).getBytes(StandardCharsets.US_ASCII));
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deterministic bytes: SHA-256(seed || counter) blocks. For vectors only, never a real key. */
  static EnvelopeV2.Randomness deterministic(String seed) {
    long[] counter = {0};
    return n -> {
      byte[] out = new byte[n];
      for (int p = 0; p < n; p += 32) {
        byte[] block = sha256((seed + "/" + counter[0]++).getBytes(StandardCharsets.UTF_8));
        System.arraycopy(block, 0, out, p, Math.min(32, n - p));
      }
      return out;
    };
  }

  /** An epoch key lookup over a map; absent ids are destroyed. */
  static Function<KeySlotId, Optional<byte[]>> keys(Map<KeySlotId, byte[]> keys) {
    Map<KeySlotId, byte[]> copy = new HashMap<>(keys);
    return id -> Optional.ofNullable(copy.get(id));
  }

  static NormalizedValues normalize(FormSchema form, Map<String, String> values) {
    return form.normalize(values, NOW);
  }
}
