package dev.lhn.secureforms.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.FormSchema;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The outside testers' race on real databases: another instance's conversation end holds the row (an open
 * transaction that has moved the deadline) while a reveal waits for it; the end commits; the reveal gets
 * the row as ended and must reveal nothing. The reveal read its clock before the wait, so only a "due"
 * decided with the time read while the row is held sees the end.
 */
class RevealRaceTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final FormSchema FORM = FormSchema.builder("card-at-end")
      .field(Field.cardNumber("pan"))
      .field(Field.cardCvc("cvc"))
      .retention(RetentionPolicy.maxAge(Duration.ofHours(24)).andAfterConversationEnd(Duration.ZERO))
      .build();

  private static Aead kek() {
    try {
      AeadConfig.register();
      return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM).getPrimitive(RegistryConfiguration.get(), Aead.class);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TestDatabase.class, names = {"POSTGRESQL", "MARIADB"})
  void reveal_waitingForARowWhoseConversationEndCommits_revealsNothing(TestDatabase db) throws Exception {
    DataSource raw = db.require();
    String prefix = TestDatabase.uniquePrefix("race");
    AtomicReference<Instant> now = new AtomicReference<>(T0);
    try {
      JdbcSubmissionStore store = JdbcSubmissionStore.builder(raw).tablePrefix(prefix).createSchema().build();
      JdbcEpochKeyStore keys = JdbcEpochKeyStore.builder(raw).tablePrefix(prefix).createSchema().build();
      try (SecureForms forms = SecureForms.builder().keyEncryptionKey(kek()).store(store).epochKeyStore(keys)
          .clock(now::get).retentionScheduler(RetentionScheduler.disabled()).build()) {
        SubmissionReceipt r = forms.submit(FORM, "conv-race", Map.of("pan", "4242424242424242", "cvc", "123"));
        CompletableFuture<Optional<RevealedSubmission>> reveal;
        try (Connection ending = raw.getConnection()) {
          ending.setAutoCommit(false);
          Instant end = T0.plusSeconds(1);
          try (PreparedStatement ps = ending.prepareStatement("UPDATE " + store.tableName()
              + " SET conversation_ended_at = ?, purge_at = ?, field_purge_at = NULL, version = version + 1"
              + " WHERE id = ?")) {
            ps.setLong(1, end.toEpochMilli());
            ps.setLong(2, end.toEpochMilli());
            ps.setBytes(3, r.id().toBytes());
            assertEquals(1, ps.executeUpdate()); // the row is now locked by this open transaction
          }
          reveal = CompletableFuture.supplyAsync(() -> forms.reveal(r.id(), Viewer.of("operator-7")));
          awaitLockWait(raw, db, reveal);
          now.set(end); // the end's own time has come by the time it commits
          ending.commit();
        }
        assertEquals(Optional.empty(), reveal.get(30, TimeUnit.SECONDS), "nothing revealed after the end committed");
        assertEquals(Optional.empty(), forms.status(r.id()));
      }
    } finally {
      TestDatabase.dropTables(raw, prefix);
    }
  }

  /** Waits until some session waits for a row lock: the reveal's claim is queued behind the end. */
  private static void awaitLockWait(DataSource raw, TestDatabase db, CompletableFuture<?> reveal)
      throws SQLException, InterruptedException {
    String query = db == TestDatabase.POSTGRESQL
        ? "SELECT COUNT(*) FROM pg_locks WHERE NOT granted"
        : "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        // Polling another session's state, not waiting for a schedule. Not faster: InnoDB refreshes the
        // cache behind INNODB_TRX only when it was not read for 0.1 s, so a tight loop never sees the wait.
        Thread.sleep(150);
      }
    }
    assertTrue(false, "the reveal never waited for the row lock: " + (reveal.isDone() ? reveal.handle((v, e) -> v + " / " + e).join() : "still running"));
  }
}
