package io.sheepdog.store.memory;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.store.ChecksumException;
import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.ObjectStoreContract;
import io.sheepdog.store.TestBytes;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The object store contract on the in-memory store, plus its fault injection. */
class MemoryObjectStoreTest extends ObjectStoreContract {
    private final MemoryObjectStore store = new MemoryObjectStore();

    @Override
    protected ObjectStore store() {
        return store;
    }

    @Test
    void corruptBlockFailsReadsAndPartialWritesUntilRewritten() throws Exception {
        store.write(OID, 0, ByteBuffer.wrap(TestBytes.random(1, 3 * BLOCK_SIZE)), EPOCH, false);
        store.corruptBlock(OID, 1);

        assertThatThrownBy(() -> TestBytes.read(store, OID, BLOCK_SIZE + 5, 1))
                .isInstanceOfSatisfying(ChecksumException.class, e -> assertThat(e.blockIndex()).isEqualTo(1));
        assertThatThrownBy(() -> store.write(OID, BLOCK_SIZE + 5, ByteBuffer.wrap(new byte[1]), EPOCH, false))
                .isInstanceOf(ChecksumException.class);
        assertThat(TestBytes.read(store, OID, 0, BLOCK_SIZE)).isEqualTo(TestBytes.random(1, BLOCK_SIZE));

        store.write(OID, BLOCK_SIZE, ByteBuffer.wrap(new byte[BLOCK_SIZE]), EPOCH, false);
        assertThat(TestBytes.read(store, OID, BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(new byte[BLOCK_SIZE]);
        assertThatThrownBy(() -> store.corruptBlock(OID, 9)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void capacityLimitsAllocation() throws Exception {
        store.setCapacityBytes(2 * BLOCK_SIZE);
        store.write(OID, 0, ByteBuffer.wrap(new byte[2 * BLOCK_SIZE]), EPOCH, false);
        assertThatThrownBy(() -> store.write(OID, 2 * BLOCK_SIZE, ByteBuffer.wrap(new byte[1]), EPOCH, false))
                .isInstanceOf(NoSpaceException.class);
        // Overwrites need no new space.
        store.write(OID, 0, ByteBuffer.wrap(new byte[] {7}), EPOCH, false);
        assertThat(store.contents(OID)[0]).isEqualTo((byte) 7);
        assertThat(store.stat(OID).orElseThrow().version().sequence()).isEqualTo(2);
    }

    @Test
    void flushIsCounted() throws Exception {
        store.flush();
        store.flush();
        assertThat(store.flushCount()).isEqualTo(2);
    }
}
