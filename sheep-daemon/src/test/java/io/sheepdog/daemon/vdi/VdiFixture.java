package io.sheepdog.daemon.vdi;

import io.netty.buffer.PooledByteBufAllocator;
import io.sheepdog.daemon.SheepTimings;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.testing.OneNodeGateway;
import io.sheepdog.membership.local.LocalClusterNode;
import io.sheepdog.membership.local.LocalNetwork;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A VDI service as the daemon wires it, over an in-memory store and the in-process cluster metadata of a
 * one-node {@link LocalNetwork}, for unit tests. Objects go through the daemon's own object path
 * ({@link OneNodeGateway}: the replicating gateway and the local replica's rules), so what these tests check is what
 * the daemon does. {@link #otherGateway()} adds a second VDI service over the same replicas and metadata: another
 * gateway, with its own inode cache, as a multipath or migrating client sees it. Public for the tests of the layers
 * above the VDI service ({@code daemon.nbd}).
 */
public final class VdiFixture implements AutoCloseable {
    final ObjectStore objects;
    final LocalNetwork network;
    final LocalClusterNode node;
    final ExecutorService io = Executors.newFixedThreadPool(8);
    public final VdiService service;
    private final List<OneNodeGateway> gateways = new ArrayList<>();

    VdiFixture(boolean formatted) throws Exception {
        this(new MemoryObjectStore(), new LocalNetwork(), formatted ? 1 : 0);
    }

    /** A cluster formatted with {@code copies} as its default. */
    public VdiFixture(int copies) throws Exception {
        this(new MemoryObjectStore(), new LocalNetwork(), copies);
    }

    /** @param copies the cluster default to format with; 0 to leave the cluster as it is */
    private VdiFixture(ObjectStore objects, LocalNetwork network, int copies) throws Exception {
        this.objects = objects;
        this.network = network;
        this.node = new LocalClusterNode(network, OneNodeGateway.SELF);
        node.start();
        if (copies > 0 && node.metadata().state().format() == null) {
            node.metadata().format(copies, false).get(10, TimeUnit.SECONDS);
        }
        service = newService();
    }

    /** A second gateway: another VDI service, with its own inode cache, over the same replicas and metadata. */
    public VdiService otherGateway() {
        return newService(UnaryOperator.identity());
    }

    /** {@link #otherGateway()} whose object requests go through {@code wrap} of its gateway (to hold some back). */
    VdiService otherGateway(UnaryOperator<ObjectGateway> wrap) {
        return newService(wrap);
    }

    private VdiService newService() {
        return newService(UnaryOperator.identity());
    }

    private VdiService newService(UnaryOperator<ObjectGateway> wrap) {
        OneNodeGateway path = new OneNodeGateway(objects, io, () -> node.metadata().state().epochNumber());
        gateways.add(path);
        ObjectGateway gateway = wrap.apply(path.gateway());
        return new VdiService(node.metadata(), gateway,
                new KeyedSerializer(), PooledByteBufAllocator.DEFAULT, Clock.systemUTC(),
                new VdiCopies(node.metadata()), SheepTimings.DEFAULTS.vdi(), SnapshotFreezer.NO_PEERS);
    }

    /** A second service over the same store and metadata, as after a daemon restart. */
    VdiFixture reopen() throws Exception {
        close();
        return new VdiFixture(objects, network, 0);
    }

    @Override
    public void close() {
        node.close();
        gateways.forEach(OneNodeGateway::close);
        io.shutdownNow();
    }
}
