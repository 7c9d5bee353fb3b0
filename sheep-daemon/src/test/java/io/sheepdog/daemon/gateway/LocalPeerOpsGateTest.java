package io.sheepdog.daemon.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The gate of {@link LocalPeerOps} against a moving epoch: a request admitted in an epoch newer than the one its
 * gate answered for asks the gate again. Found by {@code KillEachNodeIT}: right after a kill the gateway's write of
 * an object this node had just become an owner of passed the gate of the old epoch's (finished) recovery run, and
 * the store answered NO_OBJ, failing the client's write with EIO.
 */
class LocalPeerOpsGateTest {
    private static final long OID = ObjectId.data(0x42, 0);

    @Test
    void aRequestWhoseEpochMovedBetweenTheGateAndTheEpochCheckWaitsForTheNewEpochsGate() throws Exception {
        AtomicLong epoch = new AtomicLong(1);
        MemoryObjectStore store = new MemoryObjectStore();
        LocalPeerOps ops = new LocalPeerOps(store, Runnable::run, epoch::get);
        CompletableFuture<Void> recovered = new CompletableFuture<>();
        List<Long> askedAt = new ArrayList<>();
        ops.gate(oid -> {
            askedAt.add(epoch.get());
            if (epoch.get() == 1) {
                epoch.set(2); // the epoch moves right after the old epoch's gate let the request through
                return CompletableFuture.completedFuture(null);
            }
            return recovered; // epoch 2: this node is to recover the object first
        });

        CompletableFuture<Void> write = ops.write(2, OID, 0, ByteBuffer.wrap(new byte[] {7}), false, false);
        assertThat(write).as("a write to a replica still to be recovered").isNotDone();
        assertThat(askedAt).containsExactly(1L, 2L);

        store.write(OID, 0, ByteBuffer.wrap(new byte[] {1, 2}), 1, false); // recovery installs the object
        recovered.complete(null);
        write.get(5, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(2);
        store.read(OID, 0, back);
        assertThat(back.array()).containsExactly(7, 2);
    }
}
