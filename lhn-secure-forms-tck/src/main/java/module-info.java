/**
 * The storage compatibility kits: the {@code SubmissionStore} and {@code EpochKeyStore} contracts as abstract
 * JUnit 5 classes, {@link dev.lhn.secureforms.tck.SubmissionStoreCompatibilityKit} and
 * {@link dev.lhn.secureforms.tck.EpochKeyStoreCompatibilityKit}, that an integrator extends.
 */
module dev.lhn.secureforms.tck {
  requires transitive dev.lhn.secureforms;
  requires transitive org.junit.jupiter.api;

  exports dev.lhn.secureforms.tck;
  // JUnit reads the kit's nested groups and test methods reflectively.
  opens dev.lhn.secureforms.tck to org.junit.platform.commons;
}
