package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the relay posts events: an id (stable: deliveries are keyed by it), an {@code https} (or {@code http},
 * for tests and internal networks) address, the active secrets (several while one rotates: every request is
 * signed with each), an optional filter of event types, and an enabled flag.
 *
 * <pre>{@code
 * WebhookEndpoint desk = WebhookEndpoint.builder("help-desk", URI.create("https://desk.example/hooks/lsf"))
 *     .secret(WebhookSecret.parse(System.getenv("LSF_WEBHOOK_SECRET")))
 *     .eventTypes("submission.revealed", "submission.purged")
 *     .build();
 * }</pre>
 *
 * <p>Holds secrets: {@link #toString()} shows the id, the address's scheme and host, and the number of secrets.
 * Immutable and thread-safe.
 */
public final class WebhookEndpoint {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final String id;
  private final URI uri;
  private final List<WebhookSecret> secrets;
  private final Set<String> eventTypes;
  private final boolean enabled;

  private WebhookEndpoint(Builder b) {
    this.id = b.id;
    this.uri = b.uri;
    this.secrets = List.copyOf(b.secrets);
    this.eventTypes = Set.copyOf(b.eventTypes);
    this.enabled = b.enabled;
  }

  /**
   * {@return a builder}
   *
   * @param id the endpoint's stable id: 1 to 64 of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
   * @param uri an absolute {@code https} or {@code http} address with a host
   * @throws IllegalArgumentException if the id or the address breaks its rule
   */
  public static Builder builder(String id, URI uri) {
    return new Builder(id, uri);
  }

  /** {@return the endpoint's id} */
  public String id() {
    return id;
  }

  /** {@return the address events are posted to} */
  public URI uri() {
    return uri;
  }

  /** {@return the active secrets, in the order their signatures appear} */
  public List<WebhookSecret> secrets() {
    return secrets;
  }

  /** {@return the event types delivered here; empty means every type} */
  public Set<String> eventTypes() {
    return eventTypes;
  }

  /** {@return whether new events are delivered here} */
  public boolean enabled() {
    return enabled;
  }

  /**
   * {@return whether events of {@code type} go to this endpoint (ignoring the enabled flag)}
   *
   * @param type an event type
   */
  public boolean accepts(String type) {
    return eventTypes.isEmpty() || eventTypes.contains(type);
  }

  @Override
  public String toString() {
    return "WebhookEndpoint[id=" + id + ", " + uri.getScheme() + "://" + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + ", secrets=" + secrets.size()
        + (eventTypes.isEmpty() ? "" : ", types=" + eventTypes.size()) + (enabled ? "" : ", disabled") + "]";
  }

  /** Builds a {@link WebhookEndpoint}. */
  public static final class Builder {
    private final String id;
    private final URI uri;
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private final Set<String> eventTypes = new LinkedHashSet<>();
    private boolean enabled = true;
    private boolean enabledSet;

    private Builder(String id, URI uri) {
      requireNonNull(id, "id");
      requireNonNull(uri, "uri");
      if (!ID.matcher(id).matches()) {
        String shown = id.length() > 70 ? id.substring(0, 70) + "..." : id;
        throw new IllegalArgumentException(
            "endpoint id must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}, got '" + shown + "'");
      }
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!"https".equals(scheme) && !"http".equals(scheme)) {
        throw new IllegalArgumentException("endpoint " + id + ": the address must be https (or http), got scheme "
            + uri.getScheme());
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new IllegalArgumentException("endpoint " + id + ": the address needs a host");
      }
      if (uri.getRawUserInfo() != null) {
        // userinfo would travel in logs and proxies; a secret belongs in the signing secret
        throw new IllegalArgumentException("endpoint " + id + ": the address must not carry user info");
      }
      this.id = id;
      this.uri = uri;
    }

    /**
     * Adds an active secret. While a secret rotates, add the new one and the old one; remove the old one once
     * the receiver verifies with the new one.
     *
     * @param secret a secret
     * @return this builder
     */
    public Builder secret(WebhookSecret secret) {
      requireNonNull(secret, "secret");
      if (secrets.contains(secret)) {
        throw new IllegalArgumentException("endpoint " + id + ": this secret was already added");
      }
      secrets.add(secret);
      return this;
    }

    /**
     * Restricts the endpoint to these event types (added to any given before).
     *
     * @param types event types, such as {@code "submission.revealed"}
     * @return this builder
     */
    public Builder eventTypes(String... types) {
      requireNonNull(types, "types");
      for (String t : types) {
        requireNonNull(t, "type");
        if (t.isBlank()) {
          throw new IllegalArgumentException("endpoint " + id + ": an event type must not be blank");
        }
        eventTypes.add(t);
      }
      return this;
    }

    /**
     * Sets whether new events are delivered to the endpoint (default {@code true}). A disabled endpoint gets no
     * new deliveries; those already queued wait, retried on the schedule, until it is enabled again or they
     * run out of attempts.
     *
     * @param enabled whether the endpoint is enabled
     * @return this builder
     */
    public Builder enabled(boolean enabled) {
      if (enabledSet) {
        throw new IllegalStateException("enabled was already set to " + this.enabled);
      }
      enabledSet = true;
      this.enabled = enabled;
      return this;
    }

    /**
     * {@return the endpoint}
     *
     * @throws IllegalStateException if no secret was given
     */
    public WebhookEndpoint build() {
      if (secrets.isEmpty()) {
        throw new IllegalStateException("endpoint " + id + " needs at least one secret: call secret(...)");
      }
      return new WebhookEndpoint(this);
    }
  }
}
