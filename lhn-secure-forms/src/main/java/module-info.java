/**
 * lhn-secure-forms: field-level envelope encryption, view-once reveals and scheduled purge for the card
 * numbers, health data and identity numbers collected through secure forms in chat and help-desk products.
 */
module dev.lhn.secureforms {
  // transitive: SecureForms.Builder.keyEncryptionKey takes Tink's Aead, so a module that calls it must read Tink
  requires transitive com.google.crypto.tink;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  // Optional (#15): only dev.lhn.secureforms.Observations links it, and only when the builder is given a registry.
  requires static micrometer.observation;

  exports dev.lhn.secureforms;
  exports dev.lhn.secureforms.schema;
  exports dev.lhn.secureforms.spi;
  exports dev.lhn.secureforms.retention;
  exports dev.lhn.secureforms.event;
  exports dev.lhn.secureforms.keys;
  exports dev.lhn.secureforms.compliance;
  exports dev.lhn.secureforms.text;
  exports dev.lhn.secureforms.sealed;
  exports dev.lhn.secureforms.journal;
}
