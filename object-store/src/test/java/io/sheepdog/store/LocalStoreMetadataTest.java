package io.sheepdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata store contract on RocksDB, and its durability across reopen. */
class LocalStoreMetadataTest extends MetadataStoreContract {
    @TempDir
    Path dir;
    private LocalStore store;

    @BeforeEach
    void open() throws StoreException {
        store = LocalStore.open(dir);
    }

    @AfterEach
    void close() throws StoreException {
        store.close();
    }

    @Override
    protected MetadataStore store() {
        return store.metadata();
    }

    @Test
    void survivesReopen() throws Exception {
        store.metadata().put(b("epoch"), b("7"));
        store.close();
        store = LocalStore.open(dir);
        assertThat(store.metadata().get(b("epoch"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("7")));
    }

    @Test
    void closedViewsRefuseCalls() throws Exception {
        store.metadata().close();
        assertThatThrownBy(() -> store.metadata().get(b("x"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        store.close();
        assertThatThrownBy(() -> store.objects().stat(1)).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        store = LocalStore.open(dir);
    }
}
