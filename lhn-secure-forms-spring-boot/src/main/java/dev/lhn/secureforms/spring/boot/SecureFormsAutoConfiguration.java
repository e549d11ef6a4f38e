package dev.lhn.secureforms.spring.boot;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KmsClient;
import dev.lhn.secureforms.RevealAuthorizer;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.event.FormEventListener;
import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.SubmissionStore;
import io.micrometer.observation.ObservationRegistry;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configures {@link SecureForms}: the key-encryption key from {@code lhn.secure-forms.kek.*}, the JDBC
 * store on the application's {@link DataSource} (in memory otherwise, with a WARN), the epoch key store on
 * the {@code DataSource} bean named {@value #EPOCH_KEYS_DATA_SOURCE_BEAN} (else on the application's one,
 * with a WARN; in memory with the in-memory store), the retention scheduler, the application's
 * {@link RevealAuthorizer}, listeners and audit log, and Micrometer
 * observations when an {@code ObservationRegistry} is present. Every bean steps back for one of the
 * application's own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"})
@ConditionalOnClass(SecureForms.class)
@EnableConfigurationProperties(SecureFormsProperties.class)
@Import({SecureFormsAutoConfiguration.JdbcStoreConfiguration.class,
    SecureFormsAutoConfiguration.JdbcEpochKeyStoreConfiguration.class,
    SecureFormsAutoConfiguration.ObservationConfiguration.class})
public class SecureFormsAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(SecureFormsAutoConfiguration.class);
  /** The name of the key-encryption key bean; define an {@link Aead} bean of this name to bring your own. */
  public static final String KEK_BEAN = "secureFormsKek";
  /**
   * The name of the {@link DataSource} bean that holds the epoch keys, when the application defines one: a
   * database kept out of the submissions' long backups (docs/KEYS.md). Define it with
   * {@code @Bean(name = "secureFormsEpochKeysDataSource", defaultCandidate = false)} so that it does not
   * replace the application's own {@code DataSource}.
   */
  public static final String EPOCH_KEYS_DATA_SOURCE_BEAN = "secureFormsEpochKeysDataSource";
  /** The class of {@link SubmissionStore#inMemory()}'s stores, the one store that needs no durable epoch keys. */
  private static final Class<?> IN_MEMORY_STORE = SubmissionStore.inMemory(1).getClass();

  /** Created by Spring. */
  public SecureFormsAutoConfiguration() {}

  /**
   * The key-encryption key.
   *
   * @param properties the properties
   * @param kmsClients the application's KmsClient beans, asked first
   * @param resources resolves the keyset location
   * @return the KEK
   * @throws KekConfigurationException naming the property when the KEK is missing or refused
   */
  @Bean(name = KEK_BEAN)
  @ConditionalOnMissingBean(name = KEK_BEAN)
  public Aead secureFormsKek(SecureFormsProperties properties, ObjectProvider<KmsClient> kmsClients,
      ResourceLoader resources) {
    return KekFactory.create(properties.getKek(), kmsClients.orderedStream().collect(Collectors.toList()), resources);
  }

  /**
   * The in-memory store, when neither the application nor the JDBC configuration (imported, so
   * registered before this method) gave one: fine for a demo, lost on restart.
   *
   * @return an in-memory store
   */
  @Bean
  @ConditionalOnMissingBean
  public SubmissionStore secureFormsInMemoryStore() {
    LOG.warn("lhn-secure-forms keeps submissions IN MEMORY (no single DataSource found): they are lost on "
        + "restart and not shared between instances. Add a DataSource and lhn-secure-forms-jdbc for production.");
    return SubmissionStore.inMemory();
  }

  /**
   * The in-memory epoch key store, with the in-memory submission store, when neither the application nor
   * the JDBC configuration (imported, so registered before this method) gave one: both go with the JVM.
   *
   * @param store the submission store
   * @return an in-memory epoch key store
   * @throws IllegalStateException if the submission store is durable: its epoch keys must be too
   */
  @Bean
  @ConditionalOnMissingBean
  public EpochKeyStore secureFormsInMemoryEpochKeyStore(SubmissionStore store) {
    if (!isInMemory(store)) {
      throw new IllegalStateException("lhn-secure-forms needs a durable EpochKeyStore with the durable submission"
          + " store " + store.getClass().getName() + ": add lhn-secure-forms-jdbc and a DataSource bean named '"
          + EPOCH_KEYS_DATA_SOURCE_BEAN + "', or define an EpochKeyStore bean (docs/KEYS.md)");
    }
    return EpochKeyStore.inMemory();
  }

  static boolean isInMemory(SubmissionStore store) {
    return IN_MEMORY_STORE.isInstance(store);
  }

  /**
   * When {@link SecureForms#purgeDue()} runs.
   *
   * @param properties the properties
   * @return every {@code lhn.secure-forms.purge.interval}, or never when {@code purge.enabled=false}
   */
  @Bean
  @ConditionalOnMissingBean
  public RetentionScheduler secureFormsRetentionScheduler(SecureFormsProperties properties) {
    SecureFormsProperties.Purge p = properties.getPurge();
    return p.isEnabled() ? RetentionScheduler.every(p.getInterval()) : RetentionScheduler.disabled();
  }

  /**
   * The instance; closed with the context.
   *
   * @param properties the properties
   * @param kek the key-encryption key
   * @param store the store
   * @param epochKeys the epoch key store
   * @param scheduler the retention scheduler
   * @param authorizer the application's reveal authorizer, if any
   * @param listeners the application's event listeners
   * @param customizers the builder customizers
   * @return the instance
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SecureForms secureForms(SecureFormsProperties properties, @Qualifier(KEK_BEAN) Aead kek,
      SubmissionStore store, EpochKeyStore epochKeys, RetentionScheduler scheduler,
      ObjectProvider<RevealAuthorizer> authorizer,
      ObjectProvider<FormEventListener> listeners,
      ObjectProvider<SecureFormsBuilderCustomizer> customizers) {
    SecureForms.Builder b = SecureForms.builder()
        .keyEncryptionKey(kek)
        .store(store)
        .epochKeyStore(epochKeys)
        .epochWindow(properties.getEpoch().getWindow())
        .epochGrace(properties.getEpoch().getGrace())
        .retentionScheduler(scheduler)
        .purgeBatchSize(properties.getPurge().getBatchSize())
        .endedConversationMemory(properties.getEndedConversationMemory());
    authorizer.ifAvailable(b::revealAuthorizer);
    listeners.orderedStream().forEach(b::listener);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** The JDBC store, on the application's one DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({JdbcSubmissionStore.class, DataSource.class})
  @ConditionalOnSingleCandidate(DataSource.class)
  static class JdbcStoreConfiguration {
    @Bean
    @ConditionalOnMissingBean
    SubmissionStore secureFormsJdbcStore(DataSource dataSource, SecureFormsProperties properties) {
      JdbcSubmissionStore.Builder b = JdbcSubmissionStore.builder(dataSource)
          .tablePrefix(properties.getJdbc().getTablePrefix());
      if (properties.getJdbc().isCreateSchema()) {
        b.createSchema();
      }
      return b.build();
    }
  }

  /** The JDBC epoch key store, when there is a DataSource to put it on. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({JdbcEpochKeyStore.class, DataSource.class})
  @ConditionalOnBean(DataSource.class)
  static class JdbcEpochKeyStoreConfiguration {
    @Bean
    @ConditionalOnMissingBean
    EpochKeyStore secureFormsEpochKeyStore(SubmissionStore store, BeanFactory beans,
        ObjectProvider<DataSource> dataSources, SecureFormsProperties properties) {
      if (isInMemory(store)) {
        return EpochKeyStore.inMemory(); // the submissions go with the JVM: so may their keys
      }
      DataSource dataSource;
      if (beans.containsBean(EPOCH_KEYS_DATA_SOURCE_BEAN)) {
        dataSource = beans.getBean(EPOCH_KEYS_DATA_SOURCE_BEAN, DataSource.class);
      } else {
        dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
          throw new IllegalStateException("lhn-secure-forms cannot choose a DataSource for its epoch keys: define a"
              + " DataSource bean named '" + EPOCH_KEYS_DATA_SOURCE_BEAN
              + "' (docs/KEYS.md), or an EpochKeyStore bean");
        }
        LOG.warn("lhn-secure-forms keeps its epoch keys in the application's DataSource, beside the submissions:"
            + " a backup of that database holds the keys that open them, so a purge does not hold in backups."
            + " Define a DataSource bean named '{}' on a database kept out of long backups (docs/KEYS.md).",
            EPOCH_KEYS_DATA_SOURCE_BEAN);
      }
      SecureFormsProperties.EpochKeys keys = properties.getEpochKeys();
      JdbcEpochKeyStore.Builder b = JdbcEpochKeyStore.builder(dataSource)
          .tablePrefix(keys.getTablePrefix() != null ? keys.getTablePrefix() : properties.getJdbc().getTablePrefix());
      if (keys.getCreateSchema() != null ? keys.getCreateSchema() : properties.getJdbc().isCreateSchema()) {
        b.createSchema();
      }
      return b.build();
    }
  }

  /** Observations through the application's ObservationRegistry, when Micrometer is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  static class ObservationConfiguration {
    @Bean
    @ConditionalOnBean(ObservationRegistry.class)
    @ConditionalOnMissingBean(name = "secureFormsObservationCustomizer")
    SecureFormsBuilderCustomizer secureFormsObservationCustomizer(ObjectProvider<ObservationRegistry> registry) {
      return b -> registry.ifAvailable(b::observationRegistry);
    }
  }
}
