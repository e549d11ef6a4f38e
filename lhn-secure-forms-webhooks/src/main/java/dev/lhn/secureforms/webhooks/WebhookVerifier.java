package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.webhooks.WebhookVerificationException.Reason;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verifies a Standard Webhooks v1 request at the receiver: the three headers are present, the timestamp is
 * within the tolerance of the receiver's clock (default {@link #DEFAULT_TOLERANCE}), and at least one
 * {@code v1} signature of {@code webhook-signature} matches one of the receiver's secrets (compared in
 * constant time). During a secret rotation the receiver lists both secrets; the sender signs with both.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.builder()
 *     .secret(WebhookSecret.parse(System.getenv("LSF_WEBHOOK_SECRET")))
 *     .build();
 * String id = verifier.verify(exchange.getRequestHeaders(), body); // throws WebhookVerificationException
 * if (seen.add(id)) { handle(body); }                               // at least once: deduplicate on the id
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class WebhookVerifier {
  /** The default timestamp tolerance, the spec's recommendation: five minutes either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final List<WebhookSecret> secrets;
  private final Duration tolerance;
  private final InstantSource clock;

  private WebhookVerifier(Builder b) {
    this.secrets = List.copyOf(b.secrets);
    this.tolerance = b.tolerance == null ? DEFAULT_TOLERANCE : b.tolerance;
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies a request given its headers (names compared without regard to case, as HTTP does).
   *
   * @param headers the request headers, such as {@code com.sun.net.httpserver.Headers} or
   *     {@code java.net.http.HttpHeaders.map()}
   * @param body the exact body bytes received
   * @return the {@code webhook-id}, to deduplicate on
   * @throws WebhookVerificationException if a rule fails; {@link WebhookVerificationException#reason()} says which
   */
  public String verify(Map<String, List<String>> headers, byte[] body) {
    requireNonNull(headers, "headers");
    return verify(header(headers, "webhook-id"), header(headers, "webhook-timestamp"),
        header(headers, "webhook-signature"), body);
  }

  /**
   * Verifies a request given the three header values.
   *
   * @param id the {@code webhook-id} header, or {@code null} if absent
   * @param timestamp the {@code webhook-timestamp} header, or {@code null} if absent
   * @param signatures the {@code webhook-signature} header, or {@code null} if absent
   * @param body the exact body bytes received
   * @return the {@code webhook-id}, to deduplicate on
   * @throws WebhookVerificationException if a rule fails
   */
  public String verify(String id, String timestamp, String signatures, byte[] body) {
    requireNonNull(body, "body");
    if (id == null || id.isBlank()) {
      throw new WebhookVerificationException(Reason.MISSING_HEADER, "the webhook-id header is missing");
    }
    if (timestamp == null || timestamp.isBlank()) {
      throw new WebhookVerificationException(Reason.MISSING_HEADER, "the webhook-timestamp header is missing");
    }
    if (signatures == null || signatures.isBlank()) {
      throw new WebhookVerificationException(Reason.MISSING_HEADER, "the webhook-signature header is missing");
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(Reason.MALFORMED_TIMESTAMP,
          "webhook-timestamp must be a whole number of unix seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (seconds < now - tolerance.toSeconds()) {
      throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_OLD,
          "webhook-timestamp is more than " + tolerance + " before the receiver's clock");
    }
    if (seconds > now + tolerance.toSeconds()) {
      throw new WebhookVerificationException(Reason.TIMESTAMP_TOO_NEW,
          "webhook-timestamp is more than " + tolerance + " after the receiver's clock");
    }
    List<byte[]> candidates = new ArrayList<>();
    int v1 = 0;
    for (String entry : signatures.strip().split(" +")) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !entry.substring(0, comma).equals(WebhookSigner.VERSION)) {
        continue;
      }
      v1++;
      try {
        candidates.add(Base64.getDecoder().decode(entry.substring(comma + 1)));
      } catch (IllegalArgumentException e) {
        // not base64: a v1 signature that matches nothing
      }
    }
    if (v1 == 0) {
      throw new WebhookVerificationException(Reason.NO_V1_SIGNATURE,
          "webhook-signature holds no v1,<base64> signature");
    }
    boolean match = false;
    for (WebhookSecret secret : secrets) {
      byte[] expected = WebhookSigner.mac(secret, id, seconds, body);
      for (byte[] c : candidates) {
        match |= MessageDigest.isEqual(expected, c); // no early exit: every pair is compared
      }
    }
    if (!match) {
      throw new WebhookVerificationException(Reason.SIGNATURE_MISMATCH,
          "no v1 signature matches any of the " + secrets.size() + " secret(s) of the receiver");
    }
    return id;
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name)) {
        List<String> values = e.getValue();
        return values == null || values.isEmpty() ? null : values.get(0);
      }
    }
    return null;
  }

  /** {@return the verifier's shape, without secrets} */
  @Override
  public String toString() {
    return "WebhookVerifier[secrets=" + secrets.size() + ", tolerance=" + tolerance + "]";
  }

  /** Builds a {@link WebhookVerifier}; every option is set once. */
  public static final class Builder {
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private Duration tolerance;
    private InstantSource clock;

    private Builder() {}

    /**
     * Adds a secret; call once per active secret while one rotates.
     *
     * @param secret a secret the sender signs with
     * @return this builder
     */
    public Builder secret(WebhookSecret secret) {
      requireNonNull(secret, "secret");
      secrets.add(secret);
      return this;
    }

    /**
     * Sets how far the timestamp may be from the receiver's clock, either way.
     *
     * @param tolerance at least one second; default {@link #DEFAULT_TOLERANCE}
     * @return this builder
     */
    public Builder tolerance(Duration tolerance) {
      requireNonNull(tolerance, "tolerance");
      if (this.tolerance != null) {
        throw new IllegalStateException("tolerance was already set to " + this.tolerance);
      }
      if (tolerance.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("tolerance must be at least 1 second, got " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /**
     * Sets the receiver's clock.
     *
     * @param clock the clock; default the system clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      requireNonNull(clock, "clock");
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set");
      }
      this.clock = clock;
      return this;
    }

    /**
     * {@return the verifier}
     *
     * @throws IllegalStateException if no secret was given
     */
    public WebhookVerifier build() {
      if (secrets.isEmpty()) {
        throw new IllegalStateException("a verifier needs at least one secret: call secret(...)");
      }
      return new WebhookVerifier(this);
    }
  }
}
