package io.sheepdog.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The object store contract on a real store directory (files and RocksDB). */
class LocalStoreObjectsTest extends ObjectStoreContract {
    @TempDir
    Path dir;
    private LocalStore store;

    @BeforeEach
    void open() throws StoreException {
        store = LocalStore.open(dir.resolve("store"));
    }

    @AfterEach
    void close() throws StoreException {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store.objects();
    }
}
