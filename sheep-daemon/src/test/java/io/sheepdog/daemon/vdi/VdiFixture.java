package io.sheepdog.daemon.vdi;

import io.netty.buffer.PooledByteBufAllocator;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.LocalObjectGateway;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.local.LocalClusterNode;
import io.sheepdog.membership.local.LocalNetwork;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A VDI service as the daemon wires it, over an in-memory store and the in-process cluster metadata of a
 * one-node {@link LocalNetwork}, for unit tests.
 */
final class VdiFixture implements AutoCloseable {
    private static final NodeAddress SELF = new NodeAddress(new NodeId(1), "127.0.0.1", 7000, 10809, 1, 128);
    final ObjectStore objects;
    final LocalNetwork network;
    final LocalClusterNode node;
    final ExecutorService io = Executors.newFixedThreadPool(8);
    final VdiService service;

    VdiFixture(boolean formatted) throws Exception {
        this(new MemoryObjectStore(), new LocalNetwork(), formatted);
    }

    private VdiFixture(ObjectStore objects, LocalNetwork network, boolean formatted) throws Exception {
        this.objects = objects;
        this.network = network;
        this.node = new LocalClusterNode(network, SELF);
        node.start();
        if (formatted && node.metadata().state().format() == null) {
            node.metadata().format(1, false).get(10, TimeUnit.SECONDS);
        }
        LocalObjectGateway gateway = new LocalObjectGateway(objects, io,
                () -> node.metadata().state().epochNumber());
        service = new VdiService(node.metadata(), gateway,
                new VdiIo(gateway, new KeyedSerializer(), PooledByteBufAllocator.DEFAULT), Clock.systemUTC(),
                new VdiCopies(node.metadata()));
    }

    /** A second service over the same store and metadata, as after a daemon restart. */
    VdiFixture reopen() throws Exception {
        node.close();
        return new VdiFixture(objects, network, false);
    }

    @Override
    public void close() {
        node.close();
        io.shutdownNow();
    }

}
