/**
 * The storage compatibility kit: the {@code SubmissionStore} contract as an abstract JUnit 5 class,
 * {@link dev.lhn.secureforms.tck.SubmissionStoreCompatibilityKit}, that an integrator extends.
 */
module dev.lhn.secureforms.tck {
  requires transitive dev.lhn.secureforms;
  requires transitive org.junit.jupiter.api;

  exports dev.lhn.secureforms.tck;
  // JUnit reads the kit's nested groups and test methods reflectively.
  opens dev.lhn.secureforms.tck to org.junit.platform.commons;
}
