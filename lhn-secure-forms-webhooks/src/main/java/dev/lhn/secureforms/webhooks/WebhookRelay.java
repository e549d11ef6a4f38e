package dev.lhn.secureforms.webhooks;

import static java.util.Objects.requireNonNull;

import dev.lhn.secureforms.StoreException;
import dev.lhn.secureforms.compliance.ComplianceException;
import dev.lhn.secureforms.compliance.CompliancePolicy;
import dev.lhn.secureforms.compliance.ComplianceViolation;
import dev.lhn.secureforms.spi.Outbox;
import dev.lhn.secureforms.spi.OutboxMessage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Delivers the outbox to webhook endpoints, following Standard Webhooks v1, at least once.
 *
 * <p>Each run (every {@linkplain Builder#pollInterval poll interval} after {@link #start()}, or one
 * {@link #runOnce()}) does two things:
 * <ol>
 *   <li><b>Fan-out</b>: drains the {@link Outbox} into the {@link DeliveryStore}, one delivery per (message,
 *       enabled endpoint whose filter accepts the type). The store ignores pairs it knows, and the outbox removes
 *       messages only after the deliveries were stored, so a crash between the two adds nothing twice and loses
 *       nothing.
 *   <li><b>Delivery</b>: claims due deliveries under a {@linkplain Builder#lease lease} (several instances never
 *       post the same delivery at once), posts each with {@code webhook-id} = the outbox message's id (the same on
 *       every attempt), {@code webhook-timestamp} = the attempt's time and {@code webhook-signature} = one
 *       {@code v1} signature per active secret. 2xx: delivered. 410 Gone: the endpoint is disabled and its
 *       pending deliveries cancelled. Anything else (other statuses, timeouts, connection errors): tried again
 *       on the {@link RetrySchedule}, and recorded as failed after its last attempt.
 * </ol>
 *
 * <pre>{@code
 * try (WebhookRelay relay = WebhookRelay.builder()
 *     .outbox(store)                               // a store that implements Outbox
 *     .deliveryStore(JdbcDeliveryStore.builder(dataSource).createSchema().build())
 *     .endpoint(desk)
 *     .build()) {
 *   relay.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>Logs (through {@link System.Logger}) name the message id, endpoint id, attempt and outcome; never a
 * secret, a body or an endpoint's address. Thread-safe.
 */
public final class WebhookRelay implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WebhookRelay.class.getName());
  /** Cuts a fan-out run short so that deliveries get their turn while the outbox is deep. */
  private static final int DRAIN_ROUNDS_PER_RUN = 10;

  private final Outbox outbox;
  private final DeliveryStore store;
  private final Map<String, WebhookEndpoint> endpoints;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final InstantSource clock;
  private final RetrySchedule schedule;
  private final int threads;
  private final int drainBatch;
  private final int claimBatch;
  private final Duration lease;
  private final Duration pollInterval;
  private final RandomGenerator random;
  private final Listener listener;
  private final Object lifecycle = new Object();
  private ScheduledExecutorService scheduler;
  private ExecutorService senders;
  private boolean closed;

  private WebhookRelay(Builder b) {
    this.outbox = b.outbox;
    this.store = b.store;
    this.endpoints = b.endpoints;
    this.http = b.http != null ? b.http
        : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.requestTimeout = b.requestTimeout;
    this.clock = b.clock;
    this.schedule = b.schedule;
    this.threads = b.threads;
    this.drainBatch = b.drainBatch;
    this.claimBatch = b.claimBatch;
    this.lease = b.lease;
    this.pollInterval = b.pollInterval;
    this.random = b.random;
    this.listener = b.listener;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * What one {@link #runOnce()} did.
   *
   * @param drained outbox messages drained (and fanned out)
   * @param attempted deliveries attempted
   * @param delivered attempts answered with 2xx
   * @param retried attempts that failed and were rescheduled
   * @param failed deliveries that failed their last attempt
   * @param disabled endpoints disabled by a 410 Gone
   */
  public record RunResult(int drained, int attempted, int delivered, int retried, int failed, int disabled) {
    /** {@return whether the run did anything} */
    public boolean didWork() {
      return drained > 0 || attempted > 0;
    }
  }

  /**
   * Hooks for metrics; every method is optional. Exceptions they throw are logged and ignored.
   */
  public interface Listener {
    /**
     * An attempt was answered with 2xx.
     *
     * @param delivery the delivery
     * @param status the HTTP status
     * @param lag from the event's commit to this answer
     */
    default void delivered(Delivery delivery, int status, Duration lag) {}

    /**
     * An attempt failed and the delivery was rescheduled.
     *
     * @param delivery the delivery
     * @param error what the attempt found
     * @param delay until the next attempt
     */
    default void retried(Delivery delivery, String error, Duration delay) {}

    /**
     * The last attempt failed.
     *
     * @param delivery the delivery
     * @param error what the attempt found
     */
    default void failed(Delivery delivery, String error) {}

    /**
     * An endpoint answered 410 Gone and was disabled.
     *
     * @param endpointId the endpoint
     */
    default void endpointDisabled(String endpointId) {}

    /**
     * An outbox message could not be turned into a webhook (its payload is not a JSON object) and was dropped.
     *
     * @param messageId the message's id
     * @param rule the rule it broke
     */
    default void rejected(java.util.UUID messageId, String rule) {}
  }

  /**
   * Starts the background runs: one every poll interval, back to back while there is work. Calling it again
   * does nothing.
   *
   * @throws IllegalStateException if the relay was closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the relay was closed");
      }
      if (scheduler != null) {
        return;
      }
      scheduler = Executors.newSingleThreadScheduledExecutor(daemon("lsf-webhooks-relay"));
      scheduler.scheduleWithFixedDelay(this::backgroundRun, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void backgroundRun() {
    try {
      for (int i = 0; i < 100 && runOnce().didWork(); i++) {
        // keep going while there is work; the next tick comes after the poll interval
      }
    } catch (StoreException e) {
      LOG.log(Level.WARNING, "webhook relay run failed, retrying after the poll interval: {0}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "webhook relay run failed, retrying after the poll interval: {0}",
          e.getClass().getName());
    }
  }

  /**
   * Runs once, synchronously: fans out what the outbox holds (up to ten drain batches), then attempts one
   * claim batch of due deliveries and waits for their outcomes.
   *
   * @return what the run did
   * @throws StoreException if the outbox or the delivery store fails (nothing is lost: the next run retries)
   */
  public RunResult runOnce() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the relay was closed");
      }
    }
    Set<String> disabled = store.disabledEndpoints();
    int drained = 0;
    for (int round = 0; round < DRAIN_ROUNDS_PER_RUN; round++) {
      int n = outbox.drain(drainBatch, messages -> fanOut(messages, disabled));
      drained += n;
      if (n < drainBatch) {
        break;
      }
    }
    List<Delivery> due = store.claim(claimBatch, clock.instant(), lease);
    Counts counts = new Counts();
    if (threads == 1 || due.size() == 1) {
      for (Delivery d : due) {
        attempt(d, disabled, counts);
      }
    } else {
      ExecutorService pool = senders();
      List<Future<?>> futures = new ArrayList<>();
      for (Delivery d : due) {
        futures.add(pool.submit(() -> attempt(d, disabled, counts)));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException("a webhook attempt failed", c);
        }
      }
    }
    return new RunResult(drained, due.size(), counts.delivered.get(), counts.retried.get(), counts.failed.get(),
        counts.disabled.get());
  }

  private static final class Counts {
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger disabled = new AtomicInteger();
  }

  private void fanOut(List<OutboxMessage> messages, Set<String> disabled) {
    List<Delivery> deliveries = new ArrayList<>();
    for (OutboxMessage m : messages) {
      Optional<String> body = WebhookBody.of(m);
      if (body.isEmpty()) {
        LOG.log(Level.ERROR, "outbox message {0} (type {1}) dropped: its payload is not a JSON object",
            m.id(), m.type());
        notify(l -> l.rejected(m.id(), "payload is not a JSON object"));
        continue;
      }
      for (WebhookEndpoint e : endpoints.values()) {
        if (e.enabled() && !disabled.contains(e.id()) && e.accepts(m.type())) {
          deliveries.add(Delivery.pending(m.id(), e.id(), m.type(), body.get(), m.createdAt()));
        }
      }
    }
    if (!deliveries.isEmpty()) {
      store.enqueue(deliveries, clock.instant());
    }
  }

  private void attempt(Delivery d, Set<String> disabled, Counts counts) {
    WebhookEndpoint endpoint = endpoints.get(d.endpointId());
    if (disabled.contains(d.endpointId())) {
      store.disableEndpoint(d.endpointId(), "endpoint disabled", clock.instant());
      return;
    }
    if (endpoint == null || !endpoint.enabled()) {
      failure(d, "endpoint not enabled on this instance", counts);
      return;
    }
    String id = d.messageId().toString();
    byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(endpoint.uri())
        .timeout(requestTimeout)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", WebhookSigner.sign(id, timestamp, body, endpoint.secrets()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (HttpTimeoutException e) {
      failure(d, "timeout", counts);
      return;
    } catch (IOException e) {
      failure(d, "connection failed (" + e.getClass().getSimpleName() + ")", counts);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure(d, "interrupted", counts);
      return;
    }
    Instant now = clock.instant();
    if (status >= 200 && status < 300) {
      if (store.delivered(d, now)) {
        counts.delivered.incrementAndGet();
        LOG.log(Level.DEBUG, "webhook {0} delivered to {1} (attempt {2}, HTTP {3})", id, d.endpointId(),
            d.attempt(), status);
        Duration lag = Duration.between(d.createdAt(), now);
        notify(l -> l.delivered(d, status, lag));
      }
    } else if (status == 410) {
      store.disableEndpoint(d.endpointId(), "HTTP 410 Gone", now);
      counts.disabled.incrementAndGet();
      LOG.log(Level.WARNING, "webhook endpoint {0} answered 410 Gone: disabled, its pending deliveries cancelled",
          d.endpointId());
      notify(l -> l.endpointDisabled(d.endpointId()));
    } else {
      failure(d, "HTTP " + status, counts);
    }
  }

  private void failure(Delivery d, String error, Counts counts) {
    Instant now = clock.instant();
    Optional<Duration> delay;
    synchronized (random) {
      delay = schedule.nextDelay(Math.max(1, d.attempt()), random);
    }
    if (delay.isPresent()) {
      if (store.retry(d, now.plus(delay.get()), error, now)) {
        counts.retried.incrementAndGet();
        LOG.log(Level.DEBUG, "webhook {0} to {1}: attempt {2} failed ({3}), next in {4}", d.messageId(),
            d.endpointId(), d.attempt(), error, delay.get());
        notify(l -> l.retried(d, error, delay.get()));
      }
    } else if (store.failed(d, error, now)) {
      counts.failed.incrementAndGet();
      LOG.log(Level.WARNING, "webhook {0} to {1} failed after {2} attempts (last: {3}); given up", d.messageId(),
          d.endpointId(), d.attempt(), error);
      notify(l -> l.failed(d, error));
    }
  }

  private void notify(java.util.function.Consumer<Listener> call) {
    if (listener == null) {
      return;
    }
    try {
      call.accept(listener);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "webhook relay listener threw {0}; ignored", e.getClass().getName());
    }
  }

  private ExecutorService senders() {
    synchronized (lifecycle) {
      if (senders == null) {
        senders = Executors.newFixedThreadPool(threads, daemon("lsf-webhooks-send"));
      }
      return senders;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops the background runs and waits up to the request timeout for attempts under way. Deliveries still
   * claimed are attempted again by any instance once their lease ends. Calling it again does nothing.
   */
  @Override
  public void close() {
    ScheduledExecutorService s;
    ExecutorService p;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      s = scheduler;
      p = senders;
    }
    try {
      if (s != null) {
        s.shutdown();
        s.awaitTermination(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      }
      if (p != null) {
        p.shutdown();
        p.awaitTermination(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "WebhookRelay[endpoints=" + endpoints.keySet() + ", schedule=" + schedule + "]";
  }

  /** Builds a {@link WebhookRelay}; every option is set once. */
  public static final class Builder {
    private Outbox outbox;
    private DeliveryStore store;
    private final Map<String, WebhookEndpoint> endpoints = new LinkedHashMap<>();
    private HttpClient http;
    private Duration requestTimeout;
    private InstantSource clock;
    private RetrySchedule schedule;
    private int threads;
    private int drainBatch;
    private int claimBatch;
    private Duration lease;
    private Duration pollInterval;
    private RandomGenerator random;
    private Listener listener;
    private CompliancePolicy compliance;

    private Builder() {}

    private static void once(Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set to " + current);
      }
    }

    private static void once(int current, String option) {
      if (current != 0) {
        throw new IllegalStateException(option + " was already set to " + current);
      }
    }

    private static Duration positive(Duration d, String option) {
      requireNonNull(d, option);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(option + " must be positive, got " + d);
      }
      return d;
    }

    private static int atLeastOne(int n, String option) {
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be at least 1, got " + n);
      }
      return n;
    }

    /**
     * Sets the outbox to drain (required).
     *
     * @param outbox the outbox, usually the submission store
     * @return this builder
     */
    public Builder outbox(Outbox outbox) {
      requireNonNull(outbox, "outbox");
      once(this.outbox, "outbox");
      this.outbox = outbox;
      return this;
    }

    /**
     * Sets where deliveries are kept (required; {@link InMemoryDeliveryStore} for a single instance that may
     * forget undelivered events on restart, {@link JdbcDeliveryStore} otherwise).
     *
     * @param store the delivery store
     * @return this builder
     */
    public Builder deliveryStore(DeliveryStore store) {
      requireNonNull(store, "deliveryStore");
      once(this.store, "deliveryStore");
      this.store = store;
      return this;
    }

    /**
     * Adds an endpoint.
     *
     * @param endpoint an endpoint whose id no other endpoint has
     * @return this builder
     */
    public Builder endpoint(WebhookEndpoint endpoint) {
      requireNonNull(endpoint, "endpoint");
      if (endpoints.containsKey(endpoint.id())) {
        throw new IllegalArgumentException("endpoint id '" + endpoint.id() + "' was already added");
      }
      endpoints.put(endpoint.id(), endpoint);
      return this;
    }

    /**
     * Sets the HTTP client (default: 10 s connect timeout, no redirects followed).
     *
     * @param http the client
     * @return this builder
     */
    public Builder httpClient(HttpClient http) {
      requireNonNull(http, "httpClient");
      once(this.http, "httpClient");
      this.http = http;
      return this;
    }

    /**
     * Sets how long one attempt may take, from sending to the response's status (default 10 seconds).
     *
     * @param timeout positive, and shorter than the lease
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      positive(timeout, "requestTimeout");
      once(this.requestTimeout, "requestTimeout");
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Sets the clock (default the system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      requireNonNull(clock, "clock");
      once(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /**
     * Sets the retry schedule (default {@link RetrySchedule#standard()}).
     *
     * @param schedule the schedule
     * @return this builder
     */
    public Builder schedule(RetrySchedule schedule) {
      requireNonNull(schedule, "schedule");
      once(this.schedule, "schedule");
      this.schedule = schedule;
      return this;
    }

    /**
     * Sets how many attempts run at once (default 4).
     *
     * @param threads at least 1
     * @return this builder
     */
    public Builder threads(int threads) {
      atLeastOne(threads, "threads");
      once(this.threads, "threads");
      this.threads = threads;
      return this;
    }

    /**
     * Sets how many outbox messages one drain takes (default 100).
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder drainBatch(int size) {
      atLeastOne(size, "drainBatch");
      once(this.drainBatch, "drainBatch");
      this.drainBatch = size;
      return this;
    }

    /**
     * Sets how many deliveries one run claims (default 50).
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder claimBatch(int size) {
      atLeastOne(size, "claimBatch");
      once(this.claimBatch, "claimBatch");
      this.claimBatch = size;
      return this;
    }

    /**
     * Sets how long a claim holds (default 2 minutes): a delivery whose instance died is attempted again after
     * it. Must exceed the request timeout, or two instances could post the same delivery at once.
     *
     * @param lease positive
     * @return this builder
     */
    public Builder lease(Duration lease) {
      positive(lease, "lease");
      once(this.lease, "lease");
      this.lease = lease;
      return this;
    }

    /**
     * Sets the pause between background runs that found no work (default 1 second).
     *
     * @param interval positive
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      positive(interval, "pollInterval");
      once(this.pollInterval, "pollInterval");
      this.pollInterval = interval;
      return this;
    }

    /**
     * Sets the source of the schedule's jitter (default {@link ThreadLocalRandom}-seeded; tests pass a seeded
     * generator). Used under a lock.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      requireNonNull(random, "random");
      once(this.random, "random");
      this.random = random;
      return this;
    }

    /**
     * Sets the metrics hooks.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Listener listener) {
      requireNonNull(listener, "listener");
      once(this.listener, "listener");
      this.listener = listener;
      return this;
    }

    /**
     * Makes {@link #build()} refuse endpoints the compliance profile reports (such as a plain {@code http}
     * address under PCI DSS or HIPAA).
     *
     * @param policy the profile
     * @return this builder
     */
    public Builder compliance(CompliancePolicy policy) {
      requireNonNull(policy, "compliance");
      once(this.compliance, "compliance");
      this.compliance = policy;
      return this;
    }

    /**
     * {@return the relay}
     *
     * @throws IllegalStateException if the outbox, the delivery store or every endpoint is missing, or the lease
     *     does not exceed the request timeout
     * @throws ComplianceException if the compliance profile reports an endpoint (every report is listed)
     */
    public WebhookRelay build() {
      if (outbox == null) {
        throw new IllegalStateException("outbox is required: call outbox(...)");
      }
      if (store == null) {
        throw new IllegalStateException("deliveryStore is required: call deliveryStore(...)");
      }
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("at least one endpoint is required: call endpoint(...)");
      }
      Duration timeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
      Duration leaseOrDefault = lease == null ? Duration.ofMinutes(2) : lease;
      if (leaseOrDefault.compareTo(timeout) <= 0) {
        throw new IllegalStateException("lease " + leaseOrDefault + " must exceed requestTimeout " + timeout);
      }
      if (compliance != null) {
        List<ComplianceViolation> violations = new ArrayList<>();
        for (WebhookEndpoint e : endpoints.values()) {
          violations.addAll(compliance.checkWebhookEndpoint(e.id(), e.uri()));
        }
        if (!violations.isEmpty()) {
          throw new ComplianceException(compliance.name(), violations);
        }
      }
      Builder b = new Builder();
      b.outbox = outbox;
      b.store = store;
      b.endpoints.putAll(endpoints);
      b.http = http;
      b.requestTimeout = timeout;
      b.clock = clock == null ? InstantSource.system() : clock;
      b.schedule = schedule == null ? RetrySchedule.standard() : schedule;
      b.threads = threads == 0 ? 4 : threads;
      b.drainBatch = drainBatch == 0 ? 100 : drainBatch;
      b.claimBatch = claimBatch == 0 ? 50 : claimBatch;
      b.lease = leaseOrDefault;
      b.pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
      b.random = random == null ? RandomGenerator.of("L64X128MixRandom") : random;
      b.listener = listener;
      return new WebhookRelay(b);
    }
  }
}
