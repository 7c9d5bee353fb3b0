package io.sheepdog.store;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store contract with a cache of one open data file, so that files are evicted and closed while
 * other threads still use them (the concurrent test) and reopened on every switch of object.
 */
class OneOpenFileObjectsTest extends ObjectStoreContract {
    @TempDir
    Path dir;
    private LocalStore store;

    @BeforeEach
    void open() throws StoreException {
        store = LocalStore.open(dir, LocalStoreConfig.defaults().withMaxOpenFiles(1));
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
