package dev.lhn.secureforms.tck;

import dev.lhn.secureforms.spi.SubmissionStore;

/** The kit against the library's own in-memory store. */
class InMemorySubmissionStoreCompatibilityTest extends SubmissionStoreCompatibilityKit {

  @Override
  protected SubmissionStore createStore() {
    return SubmissionStore.inMemory();
  }
}
