package io.sheepdog.store;

import io.sheepdog.store.memory.MemoryObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random operations on both stores compared with a byte-array oracle. The seed is logged; rerun one with
 * {@code -Dstore.seed=<seed>}.
 */
class RandomizedOracleTest {
    private static final Logger LOG = LoggerFactory.getLogger(RandomizedOracleTest.class);
    private static final int OPERATIONS = 600;

    @TempDir
    Path dir;
    private LocalStore store;

    @AfterEach
    void close() throws StoreException {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void localStoreMatchesTheOracleAcrossReopens() throws Exception {
        long seed = seed();
        store = LocalStore.open(dir);
        new RandomWorkload(seed, store.objects()).run(OPERATIONS, OPERATIONS / 2, () -> {
            store.close();
            store = LocalStore.open(dir);
            return store.objects();
        });
    }

    @Test
    void memoryStoreMatchesTheOracle() throws Exception {
        MemoryObjectStore memory = new MemoryObjectStore();
        new RandomWorkload(seed(), memory).run(OPERATIONS, -1, () -> memory);
    }

    private static long seed() {
        long seed = Long.getLong("store.seed", System.nanoTime());
        LOG.warn("random seed {} (rerun with -Dstore.seed={})", seed, seed);
        return seed;
    }
}
