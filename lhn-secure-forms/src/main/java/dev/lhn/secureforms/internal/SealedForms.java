package dev.lhn.secureforms.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.subtle.PrfHmacJce;
import com.google.crypto.tink.subtle.PrfMac;
import dev.lhn.secureforms.KekUnavailableException;
import dev.lhn.secureforms.keys.EpochKeyId;
import dev.lhn.secureforms.schema.FormSchema;
import dev.lhn.secureforms.sealed.FormRequest;
import dev.lhn.secureforms.sealed.FormRequestStore;
import dev.lhn.secureforms.sealed.SealedSubmissionException;
import dev.lhn.secureforms.sealed.SealedSubmissionException.Reason;
import dev.lhn.secureforms.sealed.SealingKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * Browser-sealed submissions ({@code docs/BROWSER.md}): the deployment's HPKE key pairs (key class
 * {@code hpke} of the key hierarchy, one per rotation window), the form request tokens (MACed with the
 * long-lived key of class {@code form-request}), and the opening of a sealed payload. Thread-safe.
 *
 * <p>A token is base64url of {@code 0x01 || requestId[16] || expiresAt i64 ms || schemaVersion i32 ||
 * u8 len || formId || conversationTag[16] || HMAC-SHA256[32]}, where the conversation tag is the first 16
 * bytes of HMAC-SHA256 over the conversation id and the last MAC covers everything before it. HPKE's
 * {@code info} is {@code "lsf/sealed/v1" 0x00 kid 0x00 token} (ASCII), so the ciphertext is bound to the
 * key id and to everything the token binds.
 */
public final class SealedForms {
  /** The key class of the deployment's HPKE private keys. */
  public static final String HPKE = "hpke";
  /** The key class of the MAC key of form request tokens: never destroyed, re-wrapped on rotation. */
  public static final String FORM_REQUEST = "form-request";
  /** The longest sealed payload accepted, in characters. */
  public static final int MAX_PAYLOAD_CHARS = 256 * 1024;
  /** The info label. */
  public static final String INFO_LABEL = "lsf/sealed/v1";

  private static final EpochKeyId TOKEN_KEY_ID = new EpochKeyId("", FORM_REQUEST, 0, Duration.ofDays(1).toMillis());
  private static final Instant FOREVER = Instant.parse("9999-12-31T00:00:00Z");
  private static final byte TOKEN_VERSION = 1;
  private static final int ID_BYTES = 16;
  private static final int TAG_BYTES = 16;
  private static final int MAC_BYTES = 32;
  private static final int MAX_TOKEN_CHARS = 200;
  private static final byte[] TOKEN_MAC_LABEL = "lsf/form-request/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONVERSATION_LABEL = "lsf/form-request/conversation/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern KID = Pattern.compile("([0-9]{1,12})-([0-9]{1,4})");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(MAX_PAYLOAD_CHARS).build())
      .build();

  private final KeyHierarchy keys;
  private final FormRequestStore store;
  private final Duration rotation;
  private final Duration grace;
  private final Duration lifetime;
  private final SecureRandom random;
  private volatile Mac tokenMac;
  private final ConcurrentHashMap<EpochKeyId, Pair> pairs = new ConcurrentHashMap<>();

  /** A key pair in use: the decrypter holds the private key; never leaves this class. */
  private record Pair(SealingKey key, HybridDecrypt decrypter, Instant acceptedUntil) {}

  /** A payload opened: the values and the request to consume. Holds values: never logged. */
  public static final class Opened {
    private final String requestId;
    private final Instant expiresAt;
    private final Map<String, String> values;

    Opened(String requestId, Instant expiresAt, Map<String, String> values) {
      this.requestId = requestId;
      this.expiresAt = expiresAt;
      this.values = values;
    }

    /** {@return the request's id} */
    public String requestId() {
      return requestId;
    }

    /** {@return when the request expires} */
    public Instant expiresAt() {
      return expiresAt;
    }

    /** {@return the visitor's values, field name to raw input} */
    public Map<String, String> values() {
      return values;
    }

    @Override
    public String toString() {
      return "Opened[request=" + requestId + ", values=<redacted>]";
    }
  }

  /**
   * @param keys the key hierarchy
   * @param store the form request store, or {@code null} if sealed submissions are not configured
   * @param rotation the rotation window of the HPKE keys
   * @param grace how long a key is accepted after its window
   * @param lifetime how long a form request lives, at most {@code grace}
   * @param random the random source of request ids
   */
  public SealedForms(KeyHierarchy keys, FormRequestStore store, Duration rotation, Duration grace, Duration lifetime,
      SecureRandom random) {
    this.keys = requireNonNull(keys, "keys");
    this.store = store;
    this.rotation = requireNonNull(rotation, "rotation");
    this.grace = requireNonNull(grace, "grace");
    this.lifetime = requireNonNull(lifetime, "lifetime");
    this.random = requireNonNull(random, "random");
  }

  private FormRequestStore store() {
    if (store == null) {
      throw new IllegalStateException("formRequestStore is required for sealed forms with a durable submission"
          + " store: a JdbcFormRequestStore shared by every instance (docs/BROWSER.md)");
    }
    return store;
  }

  // ------------------------------------------------------------------------------------------ keys

  private EpochKeyId idAt(Instant t) {
    return EpochKeyId.containing("", HPKE, t, rotation);
  }

  /** The key id of an epoch id: window start and length in minutes. */
  static String kid(EpochKeyId id) {
    return (id.windowStartMillis() / 60_000) + "-" + (id.windowLengthMillis() / 60_000);
  }

  private Instant acceptedUntil(EpochKeyId id) {
    return id.windowEnd().plus(grace);
  }

  /** The key new form requests name at {@code now}, created on first use. */
  public SealingKey currentKey(Instant now) {
    return pair(idAt(now), now, true).orElseThrow(() -> new IllegalStateException("no current sealing key")).key();
  }

  /** The keys accepted at {@code now}, current first: the ones this deployment created. */
  public List<SealingKey> acceptedKeys(Instant now) {
    List<SealingKey> out = new ArrayList<>();
    out.add(currentKey(now));
    EpochKeyId id = idAt(now);
    while (id.windowStartMillis() >= id.windowLengthMillis()) {
      id = new EpochKeyId("", HPKE, id.windowStartMillis() - id.windowLengthMillis(), id.windowLengthMillis());
      if (!acceptedUntil(id).isAfter(now)) {
        break;
      }
      pair(id, now, false).ifPresent(p -> out.add(p.key()));
    }
    return out;
  }

  /** The published key document: {@code {"suite":..., "current":kid, "keys":[...]}}. */
  public String keysJson(Instant now) {
    List<SealingKey> ks = acceptedKeys(now);
    StringBuilder sb = new StringBuilder("{\"suite\":\"").append(SealingKey.SUITE).append("\",\"current\":\"")
        .append(ks.get(0).keyId()).append("\",\"keys\":[");
    for (int i = 0; i < ks.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(ks.get(i).toJson());
    }
    return sb.append("]}").toString();
  }

  private Optional<Pair> pair(EpochKeyId id, Instant now, boolean create) {
    Pair p = pairs.get(id);
    if (p != null) {
      if (p.acceptedUntil().isAfter(now)) {
        return Optional.of(p);
      }
      pairs.remove(id, p);
      return Optional.empty();
    }
    Instant until = acceptedUntil(id);
    if (!until.isAfter(now)) {
      return Optional.empty();
    }
    Optional<byte[]> priv = create
        ? Optional.of(keys.longLivedKey(id, Hpke.KEY_BYTES, until, now))
        : keys.key(id, now);
    if (priv.isEmpty()) {
      return Optional.empty();
    }
    byte[] k = priv.get();
    try {
      if (k.length != Hpke.KEY_BYTES) {
        throw new IllegalStateException("sealing key " + kid(id) + " has " + k.length + " bytes, not 32");
      }
      SealingKey key = new SealingKey(kid(id), B64.encodeToString(Hpke.publicKey(k)), id.windowStart(), until);
      Pair made = new Pair(key, Hpke.decrypter(k), until);
      Pair winner = pairs.putIfAbsent(id, made);
      return Optional.of(winner == null ? made : winner);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink refused sealing key " + kid(id) + " (" + e.getClass().getSimpleName() + ")");
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  // ------------------------------------------------------------------------------------------ tokens

  private Mac tokenMac(Instant now) {
    Mac m = tokenMac;
    if (m == null) {
      synchronized (this) {
        m = tokenMac;
        if (m == null) {
          byte[] k = keys.longLivedKey(TOKEN_KEY_ID, 32, FOREVER, now);
          try {
            m = new PrfMac(new PrfHmacJce("HMACSHA256", new SecretKeySpec(k, "HMAC")), MAC_BYTES);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink refused the form request key (" + e.getClass().getSimpleName() + ")");
          } finally {
            Arrays.fill(k, (byte) 0);
          }
          tokenMac = m;
        }
      }
    }
    return m;
  }

  private byte[] mac(Mac m, byte[] label, byte[] data, int len) {
    try {
      byte[] in = ByteBuffer.allocate(label.length + len).put(label).put(data, 0, len).array();
      return m.computeMac(in);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private byte[] conversationTag(Mac m, String conversationId) {
    byte[] c = conversationId.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(mac(m, CONVERSATION_LABEL, c, c.length), TAG_BYTES);
  }

  /**
   * Issues a form request for {@code form} in {@code conversationId}.
   *
   * @throws KekUnavailableException if a key could not be created or unwrapped
   */
  public FormRequest issue(FormSchema form, String conversationId, Instant now) {
    store(); // fail at issue time, not when the visitor sends
    Mac m = tokenMac(now);
    SealingKey key = currentKey(now);
    byte[] id = new byte[ID_BYTES];
    random.nextBytes(id);
    Instant expiresAt = now.plus(lifetime);
    byte[] formId = form.formId().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(1 + ID_BYTES + 8 + 4 + 1 + formId.length + TAG_BYTES + MAC_BYTES)
        .put(TOKEN_VERSION).put(id).putLong(expiresAt.toEpochMilli()).putInt(form.version())
        .put((byte) formId.length).put(formId).put(conversationTag(m, conversationId));
    b.put(mac(m, TOKEN_MAC_LABEL, b.array(), b.position()), 0, MAC_BYTES);
    return new FormRequest(B64.encodeToString(id), form.formId(), form.version(),
        Instant.ofEpochMilli(expiresAt.toEpochMilli()), B64.encodeToString(b.array()), key);
  }

  /** HPKE's info for a key id and token. */
  public static byte[] info(String kid, String token) {
    return (INFO_LABEL + "\0" + kid + "\0" + token).getBytes(StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------------------------------------ opening

  /**
   * Checks the token, then opens the ciphertext: in that order, so that nothing is decrypted for a payload
   * that names another form or conversation. Consumes nothing.
   *
   * @throws SealedSubmissionException for every refusal
   */
  public Opened open(FormSchema form, String conversationId, String payload, Instant now) {
    return open(form, conversationId, null, payload, now);
  }

  /**
   * {@link #open(FormSchema, String, String, Instant)} for one expected request ({@code null}: any): a token
   * of another request is refused as {@code WRONG_REQUEST} before anything is decrypted.
   */
  public Opened open(FormSchema form, String conversationId, String requestId, String payload, Instant now) {
    String formId = form.formId();
    requireNonNull(payload, "sealed");
    if (payload.length() > MAX_PAYLOAD_CHARS) {
      throw new SealedSubmissionException(Reason.MALFORMED, formId, "the payload is longer than "
          + MAX_PAYLOAD_CHARS + " characters");
    }
    String[] parts = parsePayload(formId, payload);
    String token = parts[0];
    String kid = parts[1];
    byte[] ct = b64(formId, parts[2], "ct");
    byte[] t = b64(formId, token, "token");
    if (token.length() > MAX_TOKEN_CHARS || t.length < 1 + ID_BYTES + 8 + 4 + 1 + 1 + TAG_BYTES + MAC_BYTES
        || t[0] != TOKEN_VERSION) {
      throw new SealedSubmissionException(Reason.MALFORMED, formId, "the form request token has a wrong size or version");
    }
    ByteBuffer b = ByteBuffer.wrap(t);
    b.get();
    byte[] id = new byte[ID_BYTES];
    b.get(id);
    long expiresMs = b.getLong();
    int version = b.getInt();
    int formLen = b.get() & 0xff;
    if (t.length != 1 + ID_BYTES + 8 + 4 + 1 + formLen + TAG_BYTES + MAC_BYTES) {
      throw new SealedSubmissionException(Reason.MALFORMED, formId, "the form request token has a wrong size");
    }
    byte[] tokenForm = new byte[formLen];
    b.get(tokenForm);
    byte[] tag = new byte[TAG_BYTES];
    b.get(tag);
    Mac m = tokenMac(now);
    try {
      m.verifyMac(Arrays.copyOfRange(t, t.length - MAC_BYTES, t.length),
          ByteBuffer.allocate(TOKEN_MAC_LABEL.length + t.length - MAC_BYTES).put(TOKEN_MAC_LABEL)
              .put(t, 0, t.length - MAC_BYTES).array());
    } catch (GeneralSecurityException e) {
      throw new SealedSubmissionException(Reason.TAMPERED, formId,
          "the form request token was altered or issued by another deployment");
    }
    String tokenFormId = new String(tokenForm, StandardCharsets.US_ASCII);
    if (!tokenFormId.equals(formId) || version != form.version()) {
      throw new SealedSubmissionException(Reason.WRONG_FORM, formId, "the form request was issued for form '"
          + tokenFormId + "' version " + version + ", not version " + form.version());
    }
    if (!java.security.MessageDigest.isEqual(tag, conversationTag(m, conversationId))) {
      throw new SealedSubmissionException(Reason.WRONG_CONVERSATION, formId,
          "the form request was issued for another conversation");
    }
    if (requestId != null && !java.security.MessageDigest.isEqual(requestId.getBytes(StandardCharsets.UTF_8),
        B64.encodeToString(id).getBytes(StandardCharsets.UTF_8))) {
      throw new SealedSubmissionException(Reason.WRONG_REQUEST, formId,
          "the payload was sealed for another form request of this conversation");
    }
    HybridDecrypt decrypter = decrypter(formId, kid, now);
    Instant expiresAt = Instant.ofEpochMilli(expiresMs);
    if (!expiresAt.isAfter(now)) {
      throw new SealedSubmissionException(Reason.EXPIRED, formId, "the form request expired at " + expiresAt);
    }
    if (ct.length < Hpke.OVERHEAD) {
      throw new SealedSubmissionException(Reason.MALFORMED, formId, "the ciphertext is shorter than "
          + Hpke.OVERHEAD + " bytes");
    }
    byte[] plain;
    try {
      plain = decrypter.decrypt(ct, info(kid, token));
    } catch (GeneralSecurityException e) {
      throw new SealedSubmissionException(Reason.TAMPERED, formId,
          "the ciphertext does not open under key " + kid + " for this form request");
    }
    try {
      return new Opened(B64.encodeToString(id), expiresAt, values(formId, plain));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private HybridDecrypt decrypter(String formId, String kid, Instant now) {
    Matcher km = KID.matcher(kid);
    if (!km.matches()) {
      throw new SealedSubmissionException(Reason.UNKNOWN_KEY, formId, "the key id is not one of this deployment's");
    }
    long start = Long.parseLong(km.group(1)) * 60_000;
    long length = Long.parseLong(km.group(2)) * 60_000;
    if (length != rotation.toMillis() || start % length != 0) {
      throw new SealedSubmissionException(Reason.UNKNOWN_KEY, formId, "key " + kid
          + " is not one of this deployment's (rotation " + rotation + ")");
    }
    EpochKeyId id = new EpochKeyId("", HPKE, start, length);
    if (id.windowStart().isAfter(now)) {
      throw new SealedSubmissionException(Reason.UNKNOWN_KEY, formId, "key " + kid + " is not in use yet");
    }
    Instant until = acceptedUntil(id);
    if (!until.isAfter(now)) {
      throw new SealedSubmissionException(Reason.RETIRED_KEY, formId, "key " + kid + " was retired at " + until
          + " (rotation " + rotation + ", grace " + grace + "); the visitor must reload the form");
    }
    return pair(id, now, false).orElseThrow(() -> new SealedSubmissionException(Reason.UNKNOWN_KEY, formId,
        "key " + kid + " does not exist (never created, or destroyed)")).decrypter();
  }

  /**
   * Marks the request used.
   *
   * @return {@code false} on a replay
   */
  public boolean consume(Opened o, Instant now) {
    return store().consume(o.requestId(), o.expiresAt(), now);
  }

  /** Forgets expired request ids; 0 when sealed forms are not configured. */
  public int forgetExpired(Instant now) {
    if (store == null) {
      return 0;
    }
    int total = 0;
    int n;
    do {
      n = store.forgetExpired(now, 1000);
      total += n;
    } while (n == 1000);
    return total;
  }

  private static byte[] b64(String formId, String s, String part) {
    try {
      return B64D.decode(s);
    } catch (IllegalArgumentException e) {
      throw new SealedSubmissionException(Reason.MALFORMED, formId, "'" + part + "' is not base64url");
    }
  }

  /** {@code {"v":1,"token":...,"kid":...,"ct":...}} into token, kid, ct. */
  private static String[] parsePayload(String formId, String payload) {
    String[] out = new String[3];
    Integer v = null;
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw malformed(formId, "the payload is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        int slot = switch (name) {
          case "token" -> 0;
          case "kid" -> 1;
          case "ct" -> 2;
          case "v" -> 3;
          default -> throw malformed(formId, "the payload has an unknown member");
        };
        if (slot == 3) {
          if (v != null || value != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != 1) {
            throw malformed(formId, "'v' must be 1, once");
          }
          v = 1;
        } else {
          if (out[slot] != null || value != JsonToken.VALUE_STRING) {
            throw malformed(formId, "'" + name + "' must be a string, once");
          }
          out[slot] = p.getText();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw malformed(formId, "the payload has trailing content");
      }
    } catch (IOException e) {
      throw malformed(formId, "the payload is not valid JSON");
    }
    if (v == null || out[0] == null || out[1] == null || out[2] == null) {
      throw malformed(formId, "the payload needs 'v', 'token', 'kid' and 'ct'");
    }
    return out;
  }

  /** The plaintext: a JSON object of field name to string. */
  private static Map<String, String> values(String formId, byte[] plain) {
    Map<String, String> values = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(plain)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw malformed(formId, "the sealed values are not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (p.nextToken() != JsonToken.VALUE_STRING || values.containsKey(name) || values.size() >= 256) {
          throw malformed(formId, "the sealed values must be up to 256 distinct fields with string values");
        }
        values.put(name, p.getText());
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw malformed(formId, "the sealed values have trailing content");
      }
    } catch (IOException e) {
      throw malformed(formId, "the sealed values are not valid JSON");
    }
    return values;
  }

  private static SealedSubmissionException malformed(String formId, String detail) {
    return new SealedSubmissionException(Reason.MALFORMED, formId, detail);
  }
}
