package dev.lhn.secureforms.schema;

/** The regulatory class of a field's data; carried in status views and events, never the value itself. */
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
  NONE
}
