package dev.lhn.secureforms.bench;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Random;
import dev.lhn.secureforms.SecureForms;
import dev.lhn.secureforms.SubmissionId;
import dev.lhn.secureforms.internal.Envelope;
import dev.lhn.secureforms.internal.KeyHierarchy;
import dev.lhn.secureforms.internal.Sealing;
import dev.lhn.secureforms.keys.EpochKeyStore;
import dev.lhn.secureforms.retention.RetentionPolicy;
import dev.lhn.secureforms.schema.Field;
import dev.lhn.secureforms.schema.NormalizedValues;
import dev.lhn.secureforms.spi.StoredSubmission;
import dev.lhn.secureforms.spi.SubmissionMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

/**
 * Sealing and opening one 6-field card submission, single thread, side by side (issue #5).
 *
 * <p>Method names are {@code group_variant}; {@code floor} is each group's baseline and {@code lhn*} is
 * ours ({@link RenderResults} computes the ratios from that):
 * <ul>
 *   <li>{@code floor}: six AES-256-GCM encryptions (decryptions) of the same values with one ready Tink
 *       primitive ({@link AesGcmJce}, random 12-byte nonce, no associated data): the cost of the cipher
 *       alone, nothing for keys, binding or format.
 *   <li>{@code floorBound}: the floor with the associated data our envelope binds each field to (envelope
 *       v2's 55 to 58 bytes per field, built once in setup): the floor plus the JCE's cost of binding, so that
 *       {@code lhnSealing / floorBound} is what the envelope itself adds (data key, KEK, format).
 *   <li>{@code lhnSealing}: what {@code SecureForms.submit} and {@code reveal} run for the envelope (#12):
 *       {@link Sealing#seal} / {@link Sealing#open} with envelope v2 under the key hierarchy, its epoch key
 *       cached (as after warm-up): the policy built and encoded, a fresh DEK wrapped under the epoch key,
 *       six fields under it bound to submission and policy hash; on open the structure parsed, the DEK
 *       unwrapped, the fields decrypted and the store's metadata checked against the sealed policy.
 *   <li>{@code v1Envelope}: envelope v1 ({@link Envelope#seal} / {@link Envelope#open}, what
 *       {@code lhnEnvelope} measured until #10): a fresh DEK wrapped by the KEK itself. Only opened for
 *       submissions sealed before the key hierarchy; kept for comparison.
 *   <li>{@code tinkKmsEnvelopePerField}: what an integrator writes without us: Tink's
 *       {@link KmsEnvelopeAead} over the same KEK, once per field (a DEK per field), the field name as
 *       associated data.
 *   <li>{@code awsEsdk*}: the AWS Encryption SDK for Java with a raw AES-256 keyring, one message per
 *       submission (the six values length-prefixed in one plaintext, form and submission in the
 *       encryption context); {@code Signed} is the SDK's default suite (committing key, ECDSA P-384
 *       signature), {@code Unsigned} the committing suite without the signature.
 * </ul>
 * <p>Normalisation is not measured: the {@link NormalizedValues} are built once in setup. Each variant
 * cycles through {@value #SUBMISSIONS} submissions sealed in setup (distinct ids, so distinct data keys), as
 * a desk reveals different submissions: opening one envelope again and again would keep its data key's
 * AES key schedule cached in the JCE cipher and flatter every envelope scheme.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
// AlwaysPreTouch (#12): without it the first seconds of every fork page the heap in, and a profile showed
// 40% of the envelope's samples in the kernel's page-fault handler.
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch",
    "-Dorg.slf4j.simpleLogger.log.org.mariadb.jdbc=error"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 2)
public class CryptoBenchmark {
  private static final byte[] EMPTY = new byte[0];
  static final int SUBMISSIONS = 256;
  /**
   * AWS messages sealed in setup: fewer, because every message derives its own keys anyway and a signed one
   * takes milliseconds to make (setup runs in every fork).
   */
  static final int AWS_MESSAGES = 16;

  private Aead kek;
  private Envelope envelope;
  private Sealing sealing;
  /** The time every v2 seal and open runs at: the epoch key stays cached and nothing becomes due. */
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private final StoredSubmission[] stored = new StoredSubmission[SUBMISSIONS];
  /** The conversation reference the store keeps for the host's conversation id. */
  private String ref;
  private final SubmissionId[] ids = new SubmissionId[SUBMISSIONS];
  private int next;
  private NormalizedValues normalized;
  private byte[][] values;
  private byte[][] fieldAd;
  private byte[][] boundAd;

  private AesGcmJce floor;
  private Aead kmsEnvelope;
  private AwsCrypto awsSigned;
  private AwsCrypto awsUnsigned;
  private IKeyring awsKeyring;
  @SuppressWarnings({"unchecked", "rawtypes"})
  private final Map<String, String>[] awsContexts = new Map[SUBMISSIONS];

  private final byte[][] sealed = new byte[SUBMISSIONS][];
  private final byte[][][] floorCiphertexts = new byte[SUBMISSIONS][][];
  private final byte[][][] boundCiphertexts = new byte[SUBMISSIONS][][];
  private final byte[][][] kmsCiphertexts = new byte[SUBMISSIONS][][];
  private final byte[][] awsSignedMessages = new byte[AWS_MESSAGES][];
  private final byte[][] awsUnsignedMessages = new byte[AWS_MESSAGES][];

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    kek = CardForm.localKek();
    envelope = new Envelope(kek);
    sealing = new Sealing(kek, new KeyHierarchy(kek, EpochKeyStore.inMemory(), SecureForms.DEFAULT_EPOCH_WINDOW,
        SecureForms.DEFAULT_EPOCH_GRACE));
    ref = sealing.ref("conversation-42", NOW);
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < SUBMISSIONS; i++) {
      ids[i] = SubmissionId.random(random);
    }
    normalized = CardForm.SCHEMA.normalize(CardForm.values(), NOW);
    int n = normalized.size();
    values = new byte[n][];
    fieldAd = new byte[n][];
    for (int i = 0; i < n; i++) {
      values[i] = normalized.valueUtf8(i);
      fieldAd[i] = normalized.name(i).getBytes(StandardCharsets.US_ASCII);
    }

    boundAd = new byte[n][];
    byte[] policyHash = Random.randBytes(32);
    for (int i = 0; i < n; i++) {
      // envelope v2's field AD (docs/FORMAT.md): 0x02 'F' submissionId policyHash:32 slot nameLen name
      ByteBuffer ad = ByteBuffer.allocate(2 + 16 + policyHash.length + 1 + 1 + fieldAd[i].length);
      ad.put((byte) 2).put((byte) 'F').put(ids[0].toBytes()).put(policyHash).put((byte) 0)
          .put((byte) fieldAd[i].length).put(fieldAd[i]);
      boundAd[i] = ad.array();
    }
    floor = new AesGcmJce(Random.randBytes(32));
    kmsEnvelope = KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, kek);

    MaterialProviders mpl = MaterialProviders.builder()
        .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
        .build();
    awsKeyring = mpl.CreateRawAesKeyring(CreateRawAesKeyringInput.builder()
        .keyNamespace("lhn-bench")
        .keyName("kek")
        .wrappingKey(ByteBuffer.wrap(Random.randBytes(32)))
        .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
        .build());
    awsSigned = AwsCrypto.builder()
        .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
        .build();
    awsUnsigned = AwsCrypto.builder()
        .withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
        .withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
        .build();
    for (int i = 0; i < SUBMISSIONS; i++) {
      awsContexts[i] = Map.of("form", CardForm.FORM_ID, "submission", ids[i].toString());
    }

    for (int i = 0; i < SUBMISSIONS; i++) {
      next = i;
      stored[i] = new StoredSubmission(metadata(ids[i]), seal_lhnSealing());
      next = i;
      sealed[i] = seal_v1Envelope();
      next = i;
      floorCiphertexts[i] = seal_floor();
      next = i;
      boundCiphertexts[i] = seal_floorBound();
      next = i;
      kmsCiphertexts[i] = seal_tinkKmsEnvelopePerField();
    }
    for (int i = 0; i < AWS_MESSAGES; i++) {
      next = i;
      awsSignedMessages[i] = seal_awsEsdkSigned();
      next = i;
      awsUnsignedMessages[i] = seal_awsEsdkUnsigned();
    }
    for (int i = 0; i < SUBMISSIONS; i++) {
      next = i;
      check(i < AWS_MESSAGES);
    }
    next = 0;
  }

  /** The next submission's index, cycling. */
  private int next() {
    return next++ & (SUBMISSIONS - 1);
  }

  private int nextAws() {
    return next++ & (AWS_MESSAGES - 1);
  }

  /** Every variant must round-trip the same six values, or the comparison means nothing. */
  private void check(boolean aws) throws GeneralSecurityException {
    int i = next;
    require(Arrays.deepEquals(open_lhnSealing().values(), values), "envelope v2");
    next = i;
    require(Arrays.deepEquals(open_v1Envelope().values(), values), "envelope v1");
    next = i;
    require(Arrays.deepEquals(open_floor(), values), "floor");
    next = i;
    require(Arrays.deepEquals(open_floorBound(), values), "floor with associated data");
    next = i;
    require(Arrays.deepEquals(open_tinkKmsEnvelopePerField(), values), "KmsEnvelopeAead");
    if (aws) {
      next = i;
      require(Arrays.deepEquals(open_awsEsdkSigned(), values), "AWS ESDK signed");
      next = i;
      require(Arrays.deepEquals(open_awsEsdkUnsigned(), values), "AWS ESDK unsigned");
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what + " does not round-trip the card form");
    }
  }

  /** The metadata {@code SecureForms.submit} stores beside a card submission sealed at {@link #NOW}. */
  private SubmissionMetadata metadata(SubmissionId id) {
    Map<String, RetentionPolicy> fieldRetention = new LinkedHashMap<>();
    for (Field f : CardForm.SCHEMA.fields()) {
      if (!f.retention().isNone()) {
        fieldRetention.put(f.name(), f.retention());
      }
    }
    Instant expiresAt = NOW.plus(CardForm.SCHEMA.retention().maxAge());
    int views = CardForm.SCHEMA.revealPolicy().maxViews();
    return new SubmissionMetadata(id, CardForm.FORM_ID, CardForm.VERSION, ref, NOW, 0, views,
        views, CardForm.SCHEMA.revealPolicy().windowAfterFirstView(), expiresAt, expiresAt,
        CardForm.SCHEMA.retention().afterConversationEnd(), null, fieldRetention, Map.of());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    normalized.close();
    sealing.close();
  }

  // ------------------------------------------------------------------ seal

  @Benchmark
  public byte[][] seal_floor() throws GeneralSecurityException {
    next();
    byte[][] out = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = floor.encrypt(values[i], EMPTY);
    }
    return out;
  }

  @Benchmark
  public byte[][] seal_floorBound() throws GeneralSecurityException {
    next();
    byte[][] out = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = floor.encrypt(values[i], boundAd[i]);
    }
    return out;
  }

  @Benchmark
  public byte[] seal_lhnSealing() {
    return sealing.seal(ids[next()], CardForm.SCHEMA, ref, NOW, normalized);
  }

  @Benchmark
  public byte[] seal_v1Envelope() {
    return envelope.seal(ids[next()], CardForm.FORM_ID, CardForm.VERSION, normalized);
  }

  @Benchmark
  public byte[][] seal_tinkKmsEnvelopePerField() throws GeneralSecurityException {
    next();
    byte[][] out = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = kmsEnvelope.encrypt(values[i], fieldAd[i]);
    }
    return out;
  }

  @Benchmark
  public byte[] seal_awsEsdkSigned() {
    return awsSigned.encryptData(awsKeyring, pack(fieldAd, values), awsContexts[nextAws()]).getResult();
  }

  @Benchmark
  public byte[] seal_awsEsdkUnsigned() {
    return awsUnsigned.encryptData(awsKeyring, pack(fieldAd, values), awsContexts[nextAws()]).getResult();
  }

  // ------------------------------------------------------------------ open

  @Benchmark
  public byte[][] open_floor() throws GeneralSecurityException {
    byte[][] cts = floorCiphertexts[next()];
    byte[][] out = new byte[cts.length][];
    for (int i = 0; i < cts.length; i++) {
      out[i] = floor.decrypt(cts[i], EMPTY);
    }
    return out;
  }

  @Benchmark
  public byte[][] open_floorBound() throws GeneralSecurityException {
    byte[][] cts = boundCiphertexts[next()];
    byte[][] out = new byte[cts.length][];
    for (int i = 0; i < cts.length; i++) {
      out[i] = floor.decrypt(cts[i], boundAd[i]);
    }
    return out;
  }

  @Benchmark
  public Sealing.Opened open_lhnSealing() {
    return sealing.open(stored[next()], NOW, Set.of());
  }

  @Benchmark
  public Envelope.Opened open_v1Envelope() {
    int i = next();
    return envelope.open(sealed[i], ids[i], CardForm.FORM_ID, CardForm.VERSION, name -> true);
  }

  @Benchmark
  public byte[][] open_tinkKmsEnvelopePerField() throws GeneralSecurityException {
    byte[][] cts = kmsCiphertexts[next()];
    byte[][] out = new byte[cts.length][];
    for (int i = 0; i < cts.length; i++) {
      out[i] = kmsEnvelope.decrypt(cts[i], fieldAd[i]);
    }
    return out;
  }

  @Benchmark
  public byte[][] open_awsEsdkSigned() {
    int i = nextAws();
    return unpack(awsSigned.decryptData(awsKeyring, awsSignedMessages[i], awsContexts[i]).getResult());
  }

  @Benchmark
  public byte[][] open_awsEsdkUnsigned() {
    int i = nextAws();
    return unpack(awsUnsigned.decryptData(awsKeyring, awsUnsignedMessages[i], awsContexts[i]).getResult());
  }

  // ------------------------------------------------------------------ one message for the AWS SDK

  /** name:u8-prefixed, value:u16-prefixed, per field: the least an integrator needs for one message. */
  static byte[] pack(byte[][] names, byte[][] values) {
    int size = 0;
    for (int i = 0; i < values.length; i++) {
      size += 1 + names[i].length + 2 + values[i].length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (int i = 0; i < values.length; i++) {
      b.put((byte) names[i].length).put(names[i]).putShort((short) values[i].length).put(values[i]);
    }
    return b.array();
  }

  static byte[][] unpack(byte[] packed) {
    ByteBuffer b = ByteBuffer.wrap(packed);
    byte[][] out = new byte[8][];
    int n = 0;
    while (b.hasRemaining()) {
      int nameLength = b.get() & 0xFF;
      b.position(b.position() + nameLength);
      byte[] v = new byte[b.getShort() & 0xFFFF];
      b.get(v);
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = v;
    }
    return Arrays.copyOf(out, n);
  }
}
