package dev.lhn.secureforms.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lhn.secure-forms.*} properties. Only the key-encryption key is required: either
 * {@code lhn.secure-forms.kek.uri} (a KMS key) or {@code lhn.secure-forms.kek.keyset.location} with
 * {@code lhn.secure-forms.kek.keyset.kek-uri} (a local keyset encrypted by a KMS key).
 */
@ConfigurationProperties(prefix = "lhn.secure-forms")
public class SecureFormsProperties {
  private final Kek kek = new Kek();
  private final Jdbc jdbc = new Jdbc();
  private final EpochKeys epochKeys = new EpochKeys();
  private final Epoch epoch = new Epoch();
  private final Purge purge = new Purge();
  private final Health health = new Health();
  /** How long an ended conversation is remembered for late submissions (1 minute to 366 days). */
  private Duration endedConversationMemory = Duration.ofDays(7);

  /** Creates the properties with their defaults. */
  public SecureFormsProperties() {}

  /**
   * The key-encryption key settings.
   *
   * @return the {@code kek} group
   */
  public Kek getKek() {
    return kek;
  }

  /**
   * The JDBC store settings.
   *
   * @return the {@code jdbc} group
   */
  public Jdbc getJdbc() {
    return jdbc;
  }

  /**
   * The JDBC epoch key store settings.
   *
   * @return the {@code epoch-keys} group
   */
  public EpochKeys getEpochKeys() {
    return epochKeys;
  }

  /**
   * The epoch settings of the key hierarchy.
   *
   * @return the {@code epoch} group
   */
  public Epoch getEpoch() {
    return epoch;
  }

  /**
   * The retention scheduler settings.
   *
   * @return the {@code purge} group
   */
  public Purge getPurge() {
    return purge;
  }

  /**
   * The Actuator health settings.
   *
   * @return the {@code health} group
   */
  public Health getHealth() {
    return health;
  }

  /**
   * How long an ended conversation is remembered.
   *
   * @return the memory
   */
  public Duration getEndedConversationMemory() {
    return endedConversationMemory;
  }

  /**
   * Sets how long an ended conversation is remembered.
   *
   * @param endedConversationMemory 1 minute to 366 days
   */
  public void setEndedConversationMemory(Duration endedConversationMemory) {
    this.endedConversationMemory = endedConversationMemory;
  }

  /** {@code lhn.secure-forms.kek.*}: where the key-encryption key comes from. */
  public static class Kek {
    /**
     * The KMS key that is the KEK, for example {@code aws-kms://arn:aws:kms:...} or
     * {@code gcp-kms://projects/.../cryptoKeys/...}, resolved through a KmsClient bean, Tink's KmsClients
     * registry, or Tink's AWS / GCP integration when it is on the class path.
     */
    private String uri;
    /** Allows an unencrypted keyset file as the KEK. For development only: logged as a WARN at startup. */
    private boolean allowPlaintextKeysetForDevelopment;
    private final Keyset keyset = new Keyset();

    /** Creates the group with its defaults. */
    public Kek() {}

    /**
     * The KMS key URI.
     *
     * @return the URI, or {@code null}
     */
    public String getUri() {
      return uri;
    }

    /**
     * Sets the KMS key URI.
     *
     * @param uri the URI
     */
    public void setUri(String uri) {
      this.uri = uri;
    }

    /**
     * Whether a plaintext keyset is allowed.
     *
     * @return the flag
     */
    public boolean isAllowPlaintextKeysetForDevelopment() {
      return allowPlaintextKeysetForDevelopment;
    }

    /**
     * Allows a plaintext keyset (development only).
     *
     * @param allow the flag
     */
    public void setAllowPlaintextKeysetForDevelopment(boolean allow) {
      this.allowPlaintextKeysetForDevelopment = allow;
    }

    /**
     * The encrypted keyset settings.
     *
     * @return the {@code keyset} group
     */
    public Keyset getKeyset() {
      return keyset;
    }
  }

  /** {@code lhn.secure-forms.kek.keyset.*}: a local Tink JSON keyset, encrypted by a KMS key. */
  public static class Keyset {
    /** Where the keyset is, as a Spring resource location ({@code classpath:}, {@code file:}). */
    private String location;
    /**
     * The KMS key that encrypts the keyset. Without it the keyset is plaintext, refused unless
     * {@code lhn.secure-forms.kek.allow-plaintext-keyset-for-development=true}.
     */
    private String kekUri;

    /** Creates the group with its defaults. */
    public Keyset() {}

    /**
     * The keyset's resource location.
     *
     * @return the location, or {@code null}
     */
    public String getLocation() {
      return location;
    }

    /**
     * Sets the keyset's resource location.
     *
     * @param location a Spring resource location
     */
    public void setLocation(String location) {
      this.location = location;
    }

    /**
     * The URI of the KMS key that encrypts the keyset.
     *
     * @return the URI, or {@code null}
     */
    public String getKekUri() {
      return kekUri;
    }

    /**
     * Sets the URI of the KMS key that encrypts the keyset.
     *
     * @param kekUri the URI
     */
    public void setKekUri(String kekUri) {
      this.kekUri = kekUri;
    }
  }

  /** {@code lhn.secure-forms.jdbc.*}: the JDBC store, used when the application has a DataSource. */
  public static class Jdbc {
    /** Creates the tables if missing (the DDL shipped in the jar). */
    private boolean createSchema;
    /** The prefix of the store's table names. */
    private String tablePrefix = "lsf_";

    /** Creates the group with its defaults. */
    public Jdbc() {}

    /**
     * Whether the tables are created if missing.
     *
     * @return the flag
     */
    public boolean isCreateSchema() {
      return createSchema;
    }

    /**
     * Sets whether the tables are created if missing.
     *
     * @param createSchema the flag
     */
    public void setCreateSchema(boolean createSchema) {
      this.createSchema = createSchema;
    }

    /**
     * The table prefix.
     *
     * @return the prefix
     */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /**
     * Sets the table prefix.
     *
     * @param tablePrefix the prefix
     */
    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }
  }

  /**
   * {@code lhn.secure-forms.epoch-keys.*}: the JDBC epoch key store, on the DataSource bean named
   * {@code secureFormsEpochKeysDataSource} or else on the application's DataSource (docs/KEYS.md).
   */
  public static class EpochKeys {
    /**
     * Creates the epoch key table if missing (the DDL shipped in the jar). Unset: as
     * lhn.secure-forms.jdbc.create-schema.
     */
    private Boolean createSchema;
    /** The prefix of the epoch key table's name. Unset: as lhn.secure-forms.jdbc.table-prefix. */
    private String tablePrefix;

    /** Creates the group with its defaults. */
    public EpochKeys() {}

    /**
     * Whether the epoch key table is created if missing.
     *
     * @return the flag, or {@code null} for the JDBC store's setting
     */
    public Boolean getCreateSchema() {
      return createSchema;
    }

    /**
     * Sets whether the epoch key table is created if missing.
     *
     * @param createSchema the flag
     */
    public void setCreateSchema(Boolean createSchema) {
      this.createSchema = createSchema;
    }

    /**
     * The epoch key table's prefix.
     *
     * @return the prefix, or {@code null} for the JDBC store's prefix
     */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /**
     * Sets the epoch key table's prefix.
     *
     * @param tablePrefix the prefix
     */
    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }
  }

  /** {@code lhn.secure-forms.epoch.*}: the windows of the epoch keys (docs/KEYS.md). */
  public static class Epoch {
    /**
     * The epoch window: submissions whose hard deadlines fall in one window share an epoch key. 1 minute to
     * 1 day, whole minutes dividing a day; shorter windows erase sooner and call the KEK more often.
     */
    private Duration window = Duration.ofHours(1);
    /** How long an epoch key outlives its window (clock skew, a reveal in flight): 0 to 1 hour, whole seconds. */
    private Duration grace = Duration.ofMinutes(5);

    /** Creates the group with its defaults. */
    public Epoch() {}

    /**
     * The epoch window.
     *
     * @return the window length
     */
    public Duration getWindow() {
      return window;
    }

    /**
     * Sets the epoch window.
     *
     * @param window 1 minute to 1 day, whole minutes dividing a day
     */
    public void setWindow(Duration window) {
      this.window = window;
    }

    /**
     * The grace period after a window.
     *
     * @return the grace period
     */
    public Duration getGrace() {
      return grace;
    }

    /**
     * Sets the grace period after a window.
     *
     * @param grace 0 to 1 hour, whole seconds
     */
    public void setGrace(Duration grace) {
      this.grace = grace;
    }
  }

  /** {@code lhn.secure-forms.purge.*}: the retention scheduler. */
  public static class Purge {
    /** Runs the built-in scheduler; {@code false} when the application calls purgeDue() itself. */
    private boolean enabled = true;
    /** How often the scheduler purges (with &plusmn;20% jitter); at least 100 ms. */
    private Duration interval = Duration.ofSeconds(5);
    /** Rows per purge batch, 1 to 10,000. */
    private int batchSize = 1000;

    /** Creates the group with its defaults. */
    public Purge() {}

    /**
     * Whether the scheduler runs.
     *
     * @return the flag
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the scheduler runs.
     *
     * @param enabled the flag
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The purge interval.
     *
     * @return the interval
     */
    public Duration getInterval() {
      return interval;
    }

    /**
     * Sets the purge interval.
     *
     * @param interval at least 100 ms
     */
    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    /**
     * The purge batch size.
     *
     * @return the batch size
     */
    public int getBatchSize() {
      return batchSize;
    }

    /**
     * Sets the purge batch size.
     *
     * @param batchSize 1 to 10,000
     */
    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }
  }

  /** {@code lhn.secure-forms.health.*}: the Actuator health indicator {@code secureForms}. */
  public static class Health {
    /** The purge lag above which health is DOWN. */
    private Duration maxPurgeLag = Duration.ofMinutes(5);
    /** How long a KEK probe (one encrypt and decrypt) result is reused; health never calls the KMS per request. */
    private Duration kekProbeCache = Duration.ofMinutes(1);

    /** Creates the group with its defaults. */
    public Health() {}

    /**
     * The largest healthy purge lag.
     *
     * @return the threshold
     */
    public Duration getMaxPurgeLag() {
      return maxPurgeLag;
    }

    /**
     * Sets the largest healthy purge lag.
     *
     * @param maxPurgeLag the threshold
     */
    public void setMaxPurgeLag(Duration maxPurgeLag) {
      this.maxPurgeLag = maxPurgeLag;
    }

    /**
     * How long a KEK probe result is reused.
     *
     * @return the time
     */
    public Duration getKekProbeCache() {
      return kekProbeCache;
    }

    /**
     * Sets how long a KEK probe result is reused.
     *
     * @param kekProbeCache the time
     */
    public void setKekProbeCache(Duration kekProbeCache) {
      this.kekProbeCache = kekProbeCache;
    }
  }
}
