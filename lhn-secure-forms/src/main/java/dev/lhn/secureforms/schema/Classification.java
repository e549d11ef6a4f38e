package dev.lhn.secureforms.schema;

/**
 * The regulatory class of a field's data; carried in status views and events, never the value itself.
 *
 * <p>The classes form two chains under "at least" ({@link #isAtLeast}): {@code NONE < PCI_PAN < PCI_SAD}
 * (sensitive authentication data is stricter than the cardholder data it authenticates) and
 * {@code NONE < PII < PHI} (health information is personal information with HIPAA on top). The card
 * chain and the personal chain are not ranked against each other: PHI is not "at least" PCI_PAN, nor the
 * other way round. Each {@link FieldType} has a floor ({@link FieldType#classificationFloor()}) that a
 * field's classification must be at least.
 */
public enum Classification {
  /** Payment card primary account number and the cardholder data stored with it (PCI DSS). */
  PCI_PAN,
  /** Sensitive authentication data (card code): must not be kept after authorisation (PCI DSS 3.3). */
  PCI_SAD,
  /** Protected health information (HIPAA). */
  PHI,
  /** Personally identifiable information. */
  PII,
  /** Not sensitive; the only class whose value may be shown unmasked. */
  NONE;

  /**
   * Whether this class is {@code floor} or stricter on the same chain. Every class is at least
   * {@link #NONE} and at least itself; {@link #PCI_SAD} is at least {@link #PCI_PAN}; {@link #PHI} is at
   * least {@link #PII}; nothing else is ranked.
   *
   * @param floor the lowest acceptable classification
   * @return {@code true} if this classification is {@code floor} or ranks above it
   */
  public boolean isAtLeast(Classification floor) {
    java.util.Objects.requireNonNull(floor, "floor");
    return this == floor
        || floor == NONE
        || (floor == PCI_PAN && this == PCI_SAD)
        || (floor == PII && this == PHI);
  }
}
