package dev.lhn.secureforms.sealed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lhn.secureforms.InvalidSubmissionException;
import dev.lhn.secureforms.RevealedSubmission;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionReceipt;
import dev.lhn.secureforms.Viewer;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionScheduler;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.sealed.SealedSubmissionException.Reason;
import dev.lhn.secureforms.spi.SubmissionStore;
import dev.lhn.secureforms.testing.Forms;
import dev.lhn.secureforms.testing.ManualClock;
import dev.lhn.secureforms.testing.TestKeys;
import com.google.crypto.tink.Aead;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SealedSubmissionTest {
  private static final String CONVERSATION = "conversation-42";
  private final ManualClock clock = ManualClock.at("2026-11-29T10:00:00Z");
  private final SubmissionStore store = SubmissionStore.inMemory();
  private final EpochKeyStore epochKeys = EpochKeyStore.inMemory();
  private final FormRequestStore requests = FormRequestStore.inMemory();
  private final Aead kek = TestKeys.freshKek();
  private final SecureForms forms = forms(kek);
  private final FormSchema card = Forms.card();

  private SecureForms forms(Aead k) {
    return SecureForms.builder()
        .keyEncryptionKey(k)
        .store(store)
        .epochKeyStore(epochKeys)
        .formRequestStore(requests)
        .clock(clock)
        .sealingKeyRotation(Duration.ofHours(1))
        .sealingKeyGrace(Duration.ofHours(1))
        .formRequestLifetime(Duration.ofMinutes(30))
        .retentionScheduler(RetentionScheduler.disabled())
        .build();
  }

  @AfterEach
  void close() {
    forms.close();
  }

  private String sealCard(FormRequest request) {
    return SealedPayload.seal(request, Forms.cardValues());
  }

  private SealedSubmissionException refused(Reason reason, FormSchema form, String conversation, String payload) {
    int before = forms.submissions(conversation).size();
    SealedSubmissionException e = assertThrows(SealedSubmissionException.class,
        () -> forms.submitSealed(form, conversation, payload));
    assertEquals(reason, e.reason(), e.getMessage());
    assertEquals(before, forms.submissions(conversation).size(), "nothing stored");
    for (String value : Forms.cardValues().values()) {
      assertFalse(e.getMessage().contains(value), e.getMessage());
    }
    assertFalse(e.getMessage().contains(payload.substring(30, 60)), "no token or ciphertext in the message");
    return e;
  }

  @Test
  void submitSealed_opensValidatesAndStores_revealedOnce() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    SubmissionReceipt receipt = forms.submitSealed(card, CONVERSATION, sealCard(request));
    try (RevealedSubmission r = forms.reveal(receipt.id(), Viewer.of("operator-7")).orElseThrow()) {
      assertEquals("4242424242424242", r.value("pan"));
      assertEquals("Jane Q. Public", r.value("name"));
    }
    assertTrue(forms.reveal(receipt.id(), Viewer.of("operator-7")).isEmpty());
  }

  @Test
  void replay_sameConversation_refused_alsoAfterRevealAndPurge() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    String payload = sealCard(request);
    SubmissionReceipt receipt = forms.submitSealed(card, CONVERSATION, payload);
    refused(Reason.REPLAYED, card, CONVERSATION, payload);
    forms.reveal(receipt.id(), Viewer.of("operator-7")).orElseThrow().close();
    forms.purgeDue();
    assertEquals(0, forms.submissions(CONVERSATION).size());
    refused(Reason.REPLAYED, card, CONVERSATION, payload);
  }

  @Test
  void replay_intoAnotherConversation_refused() {
    String payload = sealCard(forms.requestForm(card, CONVERSATION));
    refused(Reason.WRONG_CONVERSATION, card, "conversation-43", payload);
    forms.submitSealed(card, CONVERSATION, payload); // the right one still works: the refusal consumed nothing
    refused(Reason.WRONG_CONVERSATION, card, "conversation-43", payload);
  }

  @Test
  void payloadOfAnotherPendingRequest_ofTheSameFormAndConversation_refusedWhenTheHostNamesItsRequest() {
    FormRequest first = forms.requestForm(card, CONVERSATION);
    FormRequest second = forms.requestForm(card, CONVERSATION);
    String payload = sealCard(first);
    SealedSubmissionException e = assertThrows(SealedSubmissionException.class,
        () -> forms.submitSealed(card, CONVERSATION, second.requestId(), payload));
    assertEquals(Reason.WRONG_REQUEST, e.reason(), e.getMessage());
    assertEquals(0, forms.submissions(CONVERSATION).size(), "nothing stored");
    assertFalse(e.getMessage().contains(payload.substring(30, 60)), "no token or ciphertext in the message");
    // nothing consumed: the payload still answers its own request
    forms.submitSealed(card, CONVERSATION, first.requestId(), payload);
    assertEquals(1, forms.submissions(CONVERSATION).size());
  }

  @Test
  void ciphertext_withTheTokenOfAnotherRequest_refusedAsTampered() {
    FormRequest mine = forms.requestForm(card, CONVERSATION);
    FormRequest other = forms.requestForm(card, "conversation-43");
    String payload = sealCard(mine);
    String swapped = payload.replace(mine.token(), other.token());
    SealedSubmissionException e = refused(Reason.TAMPERED, card, "conversation-43", swapped);
    assertTrue(e.getMessage().contains("does not open"), e.getMessage());
  }

  @Test
  void payloadForAnotherForm_orVersion_refused() {
    String payload = sealCard(forms.requestForm(card, CONVERSATION));
    refused(Reason.WRONG_FORM, Forms.intake(), CONVERSATION, payload);
    FormSchema v2 = FormSchema.fromJson(card.toJson().replaceFirst("\"version\"\\s*:\\s*1", "\"version\":2"));
    assertEquals(2, v2.version());
    refused(Reason.WRONG_FORM, v2, CONVERSATION, payload);
  }

  @Test
  void tamperedCiphertext_refused() {
    String payload = sealCard(forms.requestForm(card, CONVERSATION));
    int at = payload.indexOf("\"ct\":\"") + 20;
    char c = payload.charAt(at);
    String tampered = payload.substring(0, at) + (c == 'A' ? 'B' : 'A') + payload.substring(at + 1);
    refused(Reason.TAMPERED, card, CONVERSATION, tampered);
    forms.submitSealed(card, CONVERSATION, payload);
  }

  @Test
  void tamperedToken_refused() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    String payload = sealCard(request);
    byte[] t = Base64.getUrlDecoder().decode(request.token());
    t[20] ^= 1; // inside the expiry
    String forged = payload.replace(request.token(), Base64.getUrlEncoder().withoutPadding().encodeToString(t));
    SealedSubmissionException e = refused(Reason.TAMPERED, card, CONVERSATION, forged);
    assertTrue(e.getMessage().contains("token was altered"), e.getMessage());
  }

  @Test
  void tokenOfAnotherDeployment_refused() {
    try (SecureForms other = SecureForms.builder().keyEncryptionKey(TestKeys.freshKek())
        .store(SubmissionStore.inMemory()).clock(clock).retentionScheduler(RetentionScheduler.disabled()).build()) {
      String payload = sealCard(other.requestForm(card, CONVERSATION));
      refused(Reason.TAMPERED, card, CONVERSATION, payload);
    }
  }

  @Test
  void expiredRequest_refused() {
    String payload = sealCard(forms.requestForm(card, CONVERSATION));
    clock.advance(Duration.ofMinutes(30));
    SealedSubmissionException e = refused(Reason.EXPIRED, card, CONVERSATION, payload);
    assertTrue(e.getMessage().contains("expired at 2026-11-29T10:30:00Z"), e.getMessage());
  }

  @Test
  void oldKey_acceptedInGrace_refusedAfter_withAClearError() {
    FormRequest early = forms.requestForm(card, CONVERSATION);
    assertEquals("29932440-60", early.key().keyId()); // 2026-11-29T10:00Z in minutes, 60-minute windows
    clock.set(java.time.Instant.parse("2026-11-29T11:30:00Z"));
    FormRequest inGrace = forms.requestForm(card, CONVERSATION);
    assertEquals(List.of(inGrace.key().keyId(), early.key().keyId()),
        forms.sealingKeys().stream().map(SealingKey::keyId).toList());
    forms.submitSealed(card, CONVERSATION, sealCard(withKey(inGrace, early.key())));
    clock.set(java.time.Instant.parse("2026-11-29T12:00:00Z"));
    FormRequest late = forms.requestForm(card, CONVERSATION);
    SealedSubmissionException e = refused(Reason.RETIRED_KEY, card, CONVERSATION, sealCard(withKey(late, early.key())));
    assertEquals("sealed submission to form 'card-payment' refused (RETIRED_KEY): key 29932440-60 was retired at"
        + " 2026-11-29T12:00:00Z (rotation PT1H, grace PT1H); the visitor must reload the form; nothing was stored",
        e.getMessage());
    assertEquals(List.of(late.key().keyId(), inGrace.key().keyId()),
        forms.sealingKeys().stream().map(SealingKey::keyId).toList());
  }

  @Test
  void unknownKeyIds_refused() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    for (String kid : List.of("nope", "29932440-1440", "29932500-60", "29932380-60", "1-60", "999999999999-60")) {
      String payload = sealCard(request).replace("\"kid\":\"" + request.key().keyId() + "\"", "\"kid\":\"" + kid + "\"");
      refused(Reason.UNKNOWN_KEY, card, CONVERSATION, payload);
    }
  }

  @Test
  void invalidValues_consumeNothing_theVisitorCorrectsAndResends() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    Map<String, String> wrong = new LinkedHashMap<>(Forms.cardValues());
    wrong.put("pan", "4242 4242 4242 4241");
    InvalidSubmissionException e = assertThrows(InvalidSubmissionException.class,
        () -> forms.submitSealed(card, CONVERSATION, SealedPayload.seal(request, wrong)));
    assertEquals(List.of("pan"), e.violations().stream().map(v -> v.field()).toList());
    assertFalse(e.getMessage().contains("4241"), e.getMessage());
    forms.submitSealed(card, CONVERSATION, sealCard(request));
    assertEquals(1, forms.submissions(CONVERSATION).size());
  }

  @Test
  void malformedPayloads_refused() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    String good = sealCard(request);
    for (String bad : List.of("", "[]", "{}", "{\"v\":2" + good.substring(6), good + "x", good.replace("\"v\":1,", ""),
        good.replace("\"ct\":\"", "\"ct\":\"!"), good.replace("{\"v\":1,", "{\"v\":1,\"extra\":1,"),
        good.replace(request.token(), "AAAA"), "{\"v\":1,\"v\":1" + good.substring(6))) {
      int before = forms.submissions(CONVERSATION).size();
      SealedSubmissionException e = assertThrows(SealedSubmissionException.class,
          () -> forms.submitSealed(card, CONVERSATION, bad), bad);
      assertEquals(Reason.MALFORMED, e.reason(), e.getMessage());
      assertEquals(before, forms.submissions(CONVERSATION).size());
    }
  }

  @Test
  void keysSurviveAnotherInstance_andKekRotation() {
    FormRequest request = forms.requestForm(card, CONVERSATION);
    String payload = sealCard(request);
    Aead newKek = TestKeys.freshKek();
    assertTrue(forms.rotateKeyEncryptionKey(newKek) >= 2, "the sealing key and the token key are re-wrapped too");
    try (SecureForms other = forms(newKek)) {
      other.submitSealed(card, CONVERSATION, payload);
      refused(Reason.REPLAYED, card, CONVERSATION, payload);
    }
  }

  @Test
  void publishedKeys_arePublicOnly() {
    String json = forms.sealingKeysJson();
    FormRequest request = forms.requestForm(card, CONVERSATION);
    assertTrue(json.startsWith("{\"suite\":\"DHKEM_X25519_HKDF_SHA256/HKDF_SHA256/AES_256_GCM\",\"current\":\"29932440-60\""), json);
    assertTrue(json.contains("\"x\":\"" + request.key().publicKey() + "\""), json);
    assertEquals(32, Base64.getUrlDecoder().decode(request.key().publicKey()).length);
    assertTrue(request.toJson().contains("\"token\":\"" + request.token() + "\""));
  }

  @Test
  void builder_lifetimeLongerThanGrace_refused() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SecureForms.builder()
        .keyEncryptionKey(kek).store(SubmissionStore.inMemory()).formRequestLifetime(Duration.ofHours(3)).build());
    assertEquals("formRequestLifetime (PT3H) must not exceed sealingKeyGrace (PT2H): a form request must not outlive"
        + " the key it names", e.getMessage());
  }

  @Test
  void expiredRequestIds_forgottenByPurgeDue() {
    forms.submitSealed(card, CONVERSATION, sealCard(forms.requestForm(card, CONVERSATION)));
    clock.advance(Duration.ofMinutes(29));
    assertEquals(0, requests.forgetExpired(clock.instant(), 10));
    clock.advance(Duration.ofMinutes(1));
    forms.purgeDue();
    assertEquals(0, requests.forgetExpired(clock.instant(), 10));
    assertTrue(requests.consume("abc", clock.instant().plusSeconds(1), clock.instant()));
  }

  private static FormRequest withKey(FormRequest r, SealingKey key) {
    return new FormRequest(r.requestId(), r.formId(), r.schemaVersion(), r.expiresAt(), r.token(), key);
  }
}
