package dev.lhn.secureforms.tck;

import dev.lhn.secureforms.keys.EpochKeyStore;

/** The epoch key kit against the library's own in-memory store. */
class InMemoryEpochKeyStoreCompatibilityTest extends EpochKeyStoreCompatibilityKit {

  @Override
  protected EpochKeyStore createStore() {
    return EpochKeyStore.inMemory();
  }
}
