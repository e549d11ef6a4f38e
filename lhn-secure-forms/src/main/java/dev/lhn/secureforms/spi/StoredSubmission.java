package dev.lhn.secureforms.spi;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A submission as a store keeps it: its {@link SubmissionMetadata} and its sealed envelope (format in
 * {@code docs/FORMAT.md}), which stores treat as opaque bytes. Immutable: the envelope is copied in and
 * out. Holds no plaintext, yet {@link #toString()} leaves the envelope out.
 */
public final class StoredSubmission {
  /** The largest envelope a store must accept: 1 MiB. */
  public static final int MAX_ENVELOPE_BYTES = 1024 * 1024;

  private final SubmissionMetadata metadata;
  private final byte[] envelope;

  /**
   * A stored submission; the envelope is copied.
   *
   * @param metadata its metadata
   * @param envelope the sealed envelope, 1 to {@link #MAX_ENVELOPE_BYTES} bytes
   */
  public StoredSubmission(SubmissionMetadata metadata, byte[] envelope) {
    this.metadata = requireNonNull(metadata, "metadata");
    requireNonNull(envelope, "envelope");
    if (envelope.length == 0 || envelope.length > MAX_ENVELOPE_BYTES) {
      throw new IllegalArgumentException(
          "envelope must have 1 to " + MAX_ENVELOPE_BYTES + " bytes, got " + envelope.length);
    }
    this.envelope = envelope.clone();
  }

  /** {@return the submission's metadata} */
  public SubmissionMetadata metadata() {
    return metadata;
  }

  /** {@return a copy of the sealed envelope} */
  public byte[] envelope() {
    return envelope.clone();
  }

  /** {@return the envelope's length in bytes} */
  public int envelopeLength() {
    return envelope.length;
  }

  /**
   * This submission with other metadata and the same envelope.
   *
   * @param newMetadata the metadata to carry
   * @return a new stored submission
   */
  public StoredSubmission withMetadata(SubmissionMetadata newMetadata) {
    return new StoredSubmission(newMetadata, envelope);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredSubmission s && metadata.equals(s.metadata) && Arrays.equals(envelope, s.envelope);
  }

  @Override
  public int hashCode() {
    return metadata.hashCode();
  }

  @Override
  public String toString() {
    return "StoredSubmission[" + metadata.id() + ", form=" + metadata.formId() + " v"
        + metadata.schemaVersion() + ", viewsLeft=" + metadata.viewsLeft() + ", purgeAt="
        + metadata.purgeAt() + ", envelope=" + envelope.length + " bytes]";
  }
}
