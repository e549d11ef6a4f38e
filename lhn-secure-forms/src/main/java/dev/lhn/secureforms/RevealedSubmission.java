package dev.lhn.secureforms;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The plaintext of one reveal. Holds the values as UTF-8 arrays it owns: {@link #close()} wipes them,
 * {@link #toString()} is redacted, and there is no {@code equals} beyond identity. Use it in
 * try-with-resources and keep it no longer than the page that shows it.
 *
 * <p>Fields whose own retention had passed, and optional fields left empty, are absent. Not thread-safe.
 */
public final class RevealedSubmission implements AutoCloseable {
  private final SubmissionId id;
  private final String formId;
  private final String conversationId;
  private final int viewsLeft;
  private final String[] names;
  private final byte[][] values;
  private boolean closed;

  RevealedSubmission(SubmissionId id, String formId, String conversationId, int viewsLeft,
      String[] names, byte[][] values) {
    this.id = id;
    this.formId = formId;
    this.conversationId = conversationId;
    this.viewsLeft = viewsLeft;
    this.names = names;
    this.values = values;
  }

  /** {@return the submission's id} */
  public SubmissionId id() {
    return id;
  }

  /** {@return the submission's form} */
  public String formId() {
    return formId;
  }

  /** {@return the host's conversation the submission belongs to} */
  public String conversationId() {
    return conversationId;
  }

  /** {@return views left after this one; 0 when this view purged the submission} */
  public int viewsLeft() {
    return viewsLeft;
  }

  /** {@return the revealed fields' names, in form order} */
  public Set<String> fieldNames() {
    return new LinkedHashSet<>(Arrays.asList(names));
  }

  /**
   * Whether {@code field} was revealed.
   *
   * @param field a field name
   * @return {@code true} if the field is among {@link #fieldNames()}
   */
  public boolean has(String field) {
    return indexOf(field) >= 0;
  }

  /**
   * The value of a field as a string. Strings cannot be wiped; where the value goes straight to a socket
   * or a payment API, prefer {@link #utf8(String)} or {@link #chars(String)} and wipe the copy.
   *
   * @param field a revealed field's name
   * @return the plaintext value
   * @throws NoSuchElementException if the field was not revealed
   * @throws IllegalStateException after {@link #close()}
   */
  public String value(String field) {
    return new String(raw(field), StandardCharsets.UTF_8);
  }

  /**
   * A copy of the value as UTF-8 bytes; the caller owns and should wipe it.
   *
   * @param field a revealed field's name
   * @return a fresh array the caller owns
   */
  public byte[] utf8(String field) {
    return raw(field).clone();
  }

  /**
   * A copy of the value as characters; the caller owns and should wipe it.
   *
   * @param field a revealed field's name
   * @return a fresh array the caller owns
   */
  public char[] chars(String field) {
    CharBuffer cb = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw(field)));
    char[] out = Arrays.copyOfRange(cb.array(), cb.position(), cb.limit());
    Arrays.fill(cb.array(), '\0');
    return out;
  }

  private byte[] raw(String field) {
    if (closed) {
      throw new IllegalStateException("revealed submission " + id + " is closed");
    }
    int i = indexOf(field);
    if (i < 0) {
      throw new NoSuchElementException("field '" + field + "' was not revealed for submission " + id);
    }
    return values[i];
  }

  private int indexOf(String field) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(field)) {
        return i;
      }
    }
    return -1;
  }

  /** {@return whether {@link #close()} was called} */
  public boolean isClosed() {
    return closed;
  }

  /** Wipes every value. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (byte[] v : values) {
        Arrays.fill(v, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "RevealedSubmission[" + id + ", form=" + formId + ", fields=" + Arrays.toString(names)
        + ", values=<redacted>]";
  }
}
