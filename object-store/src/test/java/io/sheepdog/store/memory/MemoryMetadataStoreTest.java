package io.sheepdog.store.memory;

import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.MetadataStoreContract;

/** The metadata store contract in memory. */
class MemoryMetadataStoreTest extends MetadataStoreContract {
    private final MemoryMetadataStore store = new MemoryMetadataStore();

    @Override
    protected MetadataStore store() {
        return store;
    }
}
