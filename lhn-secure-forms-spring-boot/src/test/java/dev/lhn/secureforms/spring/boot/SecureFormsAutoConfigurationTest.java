package dev.lhn.secureforms.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.KekUnavailableException;
import dev.lhn.secureforms.RevealAuthorizer;
import dev.lhn.secureforms.RevealDeniedException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.jdbc.JdbcEpochKeyStore;
import dev.lhn.secureforms.jdbc.JdbcSubmissionStore;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.spi.SubmissionStore;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OutputCaptureExtension.class)
class SecureFormsAutoConfigurationTest {
  private static final String KEY = "fake-kms://projects/p/keys/kek-1";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SecureFormsAutoConfiguration.class,
          SecureFormsHealthAutoConfiguration.class, SecureFormsMetricsAutoConfiguration.class))
      .withPropertyValues("lhn.secure-forms.purge.enabled=false");

  private final FakeKms kms = new FakeKms();

  @BeforeAll
  static void tink() throws GeneralSecurityException {
    AeadConfig.register();
  }

  private ApplicationContextRunner withKms() {
    return runner.withBean(KmsClient.class, () -> kms).withPropertyValues("lhn.secure-forms.kek.uri=" + KEY);
  }

  private static void roundTrip(SecureForms forms) {
    SubmissionReceipt r = forms.submit(TestForms.card(), "conversation-42", TestForms.values());
    try (RevealedSubmission revealed = forms.reveal(r.id(), Viewer.of("operator-7")).orElseThrow()) {
      assertThat(revealed.value("pan")).isEqualTo("4242424242424242");
    }
  }

  @Test
  void missingKek_failsStartup_namingTheProperty() {
    runner.run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      assertThat(failure).rootCause().isInstanceOf(KekConfigurationException.class)
          .hasMessageStartingWith("lhn.secure-forms.kek.uri is required");
      FailureAnalysis analysis = new KekFailureAnalyzer().analyze(failure);
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).contains("lhn.secure-forms.kek.uri is required");
      assertThat(analysis.getAction()).startsWith("Set lhn.secure-forms.kek.uri.");
    });
  }

  @Test
  void kekUri_throughAKmsClientBean_givesAWorkingInstance() {
    withKms().run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(SecureForms.class);
      roundTrip(context.getBean(SecureForms.class));
      assertThat(kms.calls.get()).isPositive();
    });
  }

  @Test
  void kekUri_withoutAClient_failsNamingThePropertyAndMaskingTheUri() {
    runner.withPropertyValues("lhn.secure-forms.kek.uri=fake-kms://user:hunter2@projects/acct-991/keys/kek-1?token=s3cr3t")
        .run(context -> {
          assertThat(context).hasFailed();
          Throwable root = rootCause(context.getStartupFailure());
          assertThat(root).isInstanceOf(KekConfigurationException.class)
              .hasMessage("no KmsClient supports lhn.secure-forms.kek.uri (fake-kms://<masked>/kek-1): register a "
                  + "KmsClient bean for it, or add com.google.crypto.tink:tink-awskms or tink-gcpkms for aws-kms:// "
                  + "and gcp-kms:// URIs");
          assertThat(root.getMessage()).doesNotContain("hunter2", "s3cr3t", "acct-991");
        });
  }

  @Test
  void kekUri_andKeyset_bothSet_isRefused() {
    withKms().withPropertyValues("lhn.secure-forms.kek.keyset.location=classpath:nothing.json").run(context ->
        assertThat(rootCause(context.getStartupFailure())).hasMessageContaining("are both set"));
  }

  @Test
  void plaintextKeyset_isRefused(@TempDir Path dir) throws Exception {
    Path file = plaintextKeyset(dir);
    runner.withPropertyValues("lhn.secure-forms.kek.keyset.location=file:" + file).run(context -> {
      assertThat(context).hasFailed();
      Throwable root = rootCause(context.getStartupFailure());
      assertThat(root).isInstanceOf(KekConfigurationException.class).hasMessageStartingWith(
          "lhn.secure-forms.kek.keyset.kek-uri is required with lhn.secure-forms.kek.keyset.location: a plaintext "
              + "keyset is refused");
      assertThat(((KekConfigurationException) root).property()).isEqualTo("lhn.secure-forms.kek.keyset.kek-uri");
    });
  }

  @Test
  void plaintextKeyset_allowedForDevelopment_withALoudWarning(@TempDir Path dir, CapturedOutput output)
      throws Exception {
    Path file = plaintextKeyset(dir);
    runner.withPropertyValues("lhn.secure-forms.kek.keyset.location=file:" + file,
        "lhn.secure-forms.kek.allow-plaintext-keyset-for-development=true").run(context -> {
          assertThat(context).hasNotFailed();
          roundTrip(context.getBean(SecureForms.class));
        });
    assertThat(output).contains("PLAINTEXT keyset").contains("Never do this in production");
  }

  @Test
  void encryptedKeyset_isReadWithTheKmsKey(@TempDir Path dir) throws Exception {
    Aead wrapping = kms.getAead(KEY);
    String json = TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), wrapping, new byte[0]);
    Path file = Files.writeString(dir.resolve("kek.json"), json, StandardCharsets.UTF_8);
    runner.withBean(KmsClient.class, () -> kms)
        .withPropertyValues("lhn.secure-forms.kek.keyset.location=file:" + file,
            "lhn.secure-forms.kek.keyset.kek-uri=" + KEY)
        .run(context -> {
          assertThat(context).hasNotFailed();
          roundTrip(context.getBean(SecureForms.class));
        });
  }

  @Test
  void encryptedKeyset_underTheWrongKey_failsNamingTheProperty(@TempDir Path dir) throws Exception {
    String json = TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), kms.getAead(KEY), new byte[0]);
    Path file = Files.writeString(dir.resolve("kek.json"), json, StandardCharsets.UTF_8);
    runner.withBean(KmsClient.class, () -> kms)
        .withPropertyValues("lhn.secure-forms.kek.keyset.location=file:" + file,
            "lhn.secure-forms.kek.keyset.kek-uri=fake-kms://projects/p/keys/other")
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .hasMessageStartingWith("the keyset at lhn.secure-forms.kek.keyset.location could not be read"));
  }

  @Test
  void withoutADataSource_theStoreIsInMemory_withAWarning(CapturedOutput output) {
    withKms().run(context -> {
      assertThat(context.getBean(SubmissionStore.class)).isNotInstanceOf(JdbcSubmissionStore.class);
      assertThat(context.getBean(EpochKeyStore.class)).as("in memory too: both go with the JVM")
          .isNotInstanceOf(JdbcEpochKeyStore.class);
      roundTrip(context.getBean(SecureForms.class));
    });
    assertThat(output).contains("keeps submissions IN MEMORY").doesNotContain("keeps its epoch keys");
  }

  @Test
  void withADataSource_theStoreIsJdbc_withThePrefix_andTheEpochKeysBesideIt_withAWarning(CapturedOutput output) {
    withKms().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:lsf_autoconfig;DB_CLOSE_DELAY=-1",
            "lhn.secure-forms.jdbc.create-schema=true", "lhn.secure-forms.jdbc.table-prefix=lsf_ac_")
        .run(context -> {
          assertThat(context).hasNotFailed();
          JdbcSubmissionStore store = context.getBean(JdbcSubmissionStore.class);
          assertThat(store.tableName()).isEqualToIgnoringCase("lsf_ac_submissions");
          JdbcEpochKeyStore keys = context.getBean(JdbcEpochKeyStore.class);
          assertThat(keys.tableName()).as("the JDBC store's prefix and create-schema unless set")
              .isEqualToIgnoringCase("lsf_ac_epoch_keys");
          roundTrip(context.getBean(SecureForms.class));
        });
    assertThat(output).contains("lhn-secure-forms keeps its epoch keys in the application's DataSource, beside the"
        + " submissions: a backup of that database holds the keys that open them")
        .contains("Define a DataSource bean named 'secureFormsEpochKeysDataSource'");
  }

  @Test
  void epochKeysDataSourceBean_holdsTheEpochKeys_apartFromTheSubmissions(CapturedOutput output) throws SQLException {
    JdbcDataSource keysDb = new JdbcDataSource();
    keysDb.setURL("jdbc:h2:mem:lsf_autoconfig_keys;DB_CLOSE_DELAY=-1");
    withKms().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withBean(SecureFormsAutoConfiguration.EPOCH_KEYS_DATA_SOURCE_BEAN, DataSource.class, () -> keysDb,
            bd -> ((AbstractBeanDefinition) bd).setDefaultCandidate(false))
        .withPropertyValues("spring.datasource.url=jdbc:h2:mem:lsf_autoconfig_main;DB_CLOSE_DELAY=-1",
            "lhn.secure-forms.jdbc.create-schema=true", "lhn.secure-forms.epoch-keys.table-prefix=lsf_k_")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(DataSource.class)).as("the application's DataSource is still Boot's")
              .isNotSameAs(keysDb);
          assertThat(context.getBean(JdbcSubmissionStore.class).tableName()).isEqualToIgnoringCase("lsf_submissions");
          assertThat(context.getBean(JdbcEpochKeyStore.class).tableName()).isEqualToIgnoringCase("lsf_k_epoch_keys");
          roundTrip(context.getBean(SecureForms.class));
          assertThat(tableExists(keysDb, "LSF_K_EPOCH_KEYS")).isTrue();
          assertThat(tableExists(keysDb, "LSF_SUBMISSIONS")).isFalse();
          assertThat(tableExists(context.getBean(DataSource.class), "LSF_K_EPOCH_KEYS")).isFalse();
        });
    assertThat(output).doesNotContain("keeps its epoch keys in the application's DataSource");
  }

  @Test
  void aDurableStoreBean_withoutADataSource_failsStartup_namingTheEpochKeysDataSource() {
    SubmissionStore durable = (SubmissionStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {SubmissionStore.class}, (p, m, a) -> {
          throw new UnsupportedOperationException(m.getName());
        });
    withKms().withBean(SubmissionStore.class, () -> durable).run(context ->
        assertThat(rootCause(context.getStartupFailure())).isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("lhn-secure-forms needs a durable EpochKeyStore with the durable submission store")
            .hasMessageContaining("a DataSource bean named 'secureFormsEpochKeysDataSource'"));
  }

  @Test
  void epochProperties_reachTheBuilder() {
    withKms().withPropertyValues("lhn.secure-forms.epoch.window=7m").run(context ->
        assertThat(rootCause(context.getStartupFailure()))
            .hasMessage("epochWindow must be 1 minute to 1 day in whole minutes dividing a day, got PT7M"));
    withKms().withPropertyValues("lhn.secure-forms.epoch.grace=2h").run(context ->
        assertThat(rootCause(context.getStartupFailure()))
            .hasMessage("epochGrace must be 0 to 1 hour in whole seconds, got PT2H"));
    withKms().withPropertyValues("lhn.secure-forms.epoch.window=5m", "lhn.secure-forms.epoch.grace=30s")
        .run(context -> {
          assertThat(context).hasNotFailed();
          roundTrip(context.getBean(SecureForms.class));
        });
  }

  @Test
  void userBeans_replaceOurs() {
    SubmissionStore mine = SubmissionStore.inMemory();
    RetentionScheduler scheduler = RetentionScheduler.disabled();
    Aead kek = new FakeKms().getAeadQuietly("fake-kms://mine");
    runner.withBean(SubmissionStore.class, () -> mine)
        .withBean(RetentionScheduler.class, () -> scheduler)
        .withBean(SecureFormsAutoConfiguration.KEK_BEAN, Aead.class, () -> kek)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(SubmissionStore.class)).isSameAs(mine);
          assertThat(context.getBean(RetentionScheduler.class)).isSameAs(scheduler);
          assertThat(context.getBean(SecureFormsAutoConfiguration.KEK_BEAN)).isSameAs(kek);
          roundTrip(context.getBean(SecureForms.class));
        });
    SecureForms own = SecureForms.builder().keyEncryptionKey(kek).store(mine)
        .retentionScheduler(RetentionScheduler.disabled()).build();
    withKms().withBean(SecureForms.class, () -> own).run(context ->
        assertThat(context.getBean(SecureForms.class)).isSameAs(own));
    own.close();
  }

  @Test
  void revealAuthorizerBean_isAsked() {
    withKms().withBean(RevealAuthorizer.class, () -> (viewer, status) -> !viewer.operatorId().equals("intruder"))
        .run(context -> {
          SecureForms forms = context.getBean(SecureForms.class);
          SubmissionReceipt r = forms.submit(TestForms.card(), "conversation-42", TestForms.values());
          org.junit.jupiter.api.Assertions.assertThrows(RevealDeniedException.class,
              () -> forms.reveal(r.id(), Viewer.of("intruder")));
          assertThat(forms.reveal(r.id(), Viewer.of("operator-7"))).isPresent();
        });
  }

  /**
   * The KEK is called, and observed, per epoch key, not per submission: a warm instance submits and reveals
   * through a KMS outage that the health probe still reports; a new epoch then needs the KEK.
   */
  @Test
  void kekCalls_arePerEpoch_aWarmInstanceRidesOutAnOutage_thatHealthStillSees() {
    AtomicLong kekObservations = new AtomicLong();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }

      @Override
      public void onStop(Observation.Context context) {
        if (context.getName().equals("lhn.secure-forms.kek")) {
          kekObservations.incrementAndGet();
        }
      }
    });
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
    withKms().withBean(ObservationRegistry.class, () -> registry)
        .withBean(SecureFormsBuilderCustomizer.class, () -> b -> b.clock(now::get))
        .withPropertyValues("lhn.secure-forms.health.kek-probe-cache=0s")
        .run(context -> {
          SecureForms forms = context.getBean(SecureForms.class);
          roundTrip(forms); // cold: the conversation lookup key and the epoch key are created, one KEK call each
          int calls = kms.calls.get();
          long observed = kekObservations.get();
          assertThat(calls).isPositive();
          assertThat(observed).isEqualTo(calls);

          now.set(now.get().plusSeconds(60));
          roundTrip(forms);
          roundTrip(forms);
          assertThat(kms.calls.get()).as("same epoch: no KEK call").isEqualTo(calls);
          assertThat(kekObservations.get()).isEqualTo(observed);

          kms.down.set(true);
          Health health = context.getBean(SecureFormsHealthIndicator.class).health(true);
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsEntry("kek", "failed (GeneralSecurityException)");
          roundTrip(forms); // warm: still works through the outage

          now.set(now.get().plus(Duration.ofHours(1))); // the next window of hard deadlines: a new epoch key
          org.junit.jupiter.api.Assertions.assertThrows(KekUnavailableException.class,
              () -> forms.submit(TestForms.card(), "conversation-42", TestForms.values()));
          kms.down.set(false);
          roundTrip(forms);
        });
  }

  @Test
  void observationRegistryBean_observesSubmits() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    withKms().withBean(io.micrometer.observation.ObservationRegistry.class, () -> registry).run(context -> {
      context.getBean(SecureForms.class).submit(TestForms.card(), "conversation-42", TestForms.values());
      TestObservationRegistryAssert.assertThat(registry).hasObservationWithNameEqualTo("lhn.secure-forms.submit")
          .that().hasLowCardinalityKeyValue("outcome", "stored");
    });
  }

  @Test
  void purgeProperties_areChecked() {
    withKms().withPropertyValues("lhn.secure-forms.purge.batch-size=0").run(context ->
        assertThat(rootCause(context.getStartupFailure())).hasMessage("purgeBatchSize must be 1 to 10000, got 0"));
    withKms().withPropertyValues("lhn.secure-forms.purge.enabled=true", "lhn.secure-forms.purge.interval=10ms")
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .hasMessage("interval must be at least 100ms, got PT0.01S"));
    withKms().withPropertyValues("lhn.secure-forms.ended-conversation-memory=10s").run(context ->
        assertThat(rootCause(context.getStartupFailure())).hasMessageStartingWith("endedConversationMemory must be"));
  }

  @Test
  void healthIndicator_presentByDefault_andSwitchedOffByProperty() {
    withKms().run(context -> assertThat(context).hasBean("secureFormsHealthIndicator"));
    withKms().withPropertyValues("management.health.secureForms.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("secureFormsHealthIndicator"));
  }

  @Test
  void purgeLagGauge_isBound() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    withKms().run(context -> {
      context.getBean("secureFormsMeterBinder", io.micrometer.core.instrument.binder.MeterBinder.class).bindTo(meters);
      assertThat(meters.get("lhn.secure-forms.purge.lag").gauge().value()).isZero();
    });
  }

  private static Path plaintextKeyset(Path dir) throws Exception {
    String json = TinkJsonProtoKeysetFormat.serializeKeyset(
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
    return Files.writeString(dir.resolve("plain.json"), json, StandardCharsets.UTF_8);
  }

  private static boolean tableExists(DataSource ds, String table) throws SQLException {
    try (Connection c = ds.getConnection(); var rs = c.getMetaData().getTables(null, null, table, null)) {
      return rs.next();
    }
  }

  private static Throwable rootCause(Throwable t) {
    assertThat(t).isNotNull();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
