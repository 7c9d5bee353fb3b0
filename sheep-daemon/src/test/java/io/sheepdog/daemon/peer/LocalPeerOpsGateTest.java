package io.sheepdog.daemon.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
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
        CompletableFuture<Void> recovered = new CompletableFuture<>();
        List<Long> askedAt = new ArrayList<>();
        LocalPeerOps ops = new LocalPeerOps(store, Runnable::run, epoch::get).gatedBy(oid -> {
            askedAt.add(epoch.get());
            if (epoch.get() == 1) {
                epoch.set(2); // the epoch moves right after the old epoch's gate let the request through
                return CompletableFuture.completedFuture(null);
            }
            return recovered; // epoch 2: this node is to recover the object first
        });

        CompletableFuture<Void> write = ops.write(2, OID, 0, ByteBuffer.wrap(new byte[] {7}), WriteMode.EXISTING, false);
        assertThat(write).as("a write to a replica still to be recovered").isNotDone();
        assertThat(askedAt).containsExactly(1L, 2L);

        store.write(OID, 0, ByteBuffer.wrap(new byte[] {1, 2}), 1, false); // recovery installs the object
        recovered.complete(null);
        write.get(5, TimeUnit.SECONDS);
        ByteBuffer back = ByteBuffer.allocate(2);
        store.read(OID, 0, back);
        assertThat(back.array()).containsExactly(7, 2);
    }

    /**
     * Recovery reads this node's replicas through the open view while gateways write through the gated one: the two
     * must share one epoch fence, or a recovery list of epoch 2 could miss a write of epoch 1 still in flight.
     */
    @Test
    void recoveryReadsThroughTheOpenViewWaitForRequestsAdmittedThroughTheGatedView() throws Exception {
        AtomicLong epoch = new AtomicLong(1);
        MemoryObjectStore memory = new MemoryObjectStore();
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ObjectStore store = (ObjectStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("flush")) {
                        inFlush.countDown();
                        release.await();
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        BlockingQueue<Runnable> io = new LinkedBlockingQueue<>();
        LocalPeerOps open = new LocalPeerOps(store, io::add, epoch::get);
        LocalPeerOps gated = open.gatedBy(ObjectGate.OPEN);

        CompletableFuture<Void> flush = gated.flush(1);
        Thread ioThread = new Thread(io.take());
        ioThread.start();
        assertThat(inFlush.await(10, TimeUnit.SECONDS)).as("the epoch 1 flush is running").isTrue();
        epoch.set(2);
        CompletableFuture<List<ObjectInfo>> list = open.listObjects(2);
        assertThat(io).as("the list waits for the epoch 1 flush, so nothing is queued yet").isEmpty();

        release.countDown();
        flush.get(10, TimeUnit.SECONDS);
        ioThread.join(10_000);
        io.take().run();
        assertThat(list.get(10, TimeUnit.SECONDS)).isEmpty();
    }
}
