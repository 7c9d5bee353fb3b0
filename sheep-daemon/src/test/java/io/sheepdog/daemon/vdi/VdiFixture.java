package io.sheepdog.daemon.vdi;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.PooledByteBufAllocator;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.cluster.ClusterState;
import io.sheepdog.daemon.cluster.FormatRecord;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.LocalObjectGateway;
import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.memory.MemoryMetadataStore;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A VDI service over in-memory stores, as the daemon wires it, for unit tests. */
final class VdiFixture implements AutoCloseable {
    final ObjectStore objects;
    final MetadataStore metadata;
    final ExecutorService io = Executors.newFixedThreadPool(8);
    final ClusterState cluster;
    final VdiService service;

    VdiFixture(boolean formatted) throws StoreException, SheepException {
        this(new MemoryObjectStore(), new MemoryMetadataStore(), formatted);
    }

    VdiFixture(ObjectStore objects, MetadataStore metadata, boolean formatted) throws StoreException, SheepException {
        this.objects = objects;
        this.metadata = metadata;
        ObjectMapper json = new ObjectMapper();
        cluster = new ClusterState(metadata, json);
        if (formatted && cluster.format().isEmpty()) {
            cluster.setFormat(new FormatRecord("test", 1, false, 1), List.of("127.0.0.1:7000"));
        }
        LocalObjectGateway gateway = new LocalObjectGateway(objects, io, cluster::epoch);
        service = new VdiService(cluster, new VdiTable(metadata, json), gateway,
                new VdiIo(gateway, new KeyedSerializer(), PooledByteBufAllocator.DEFAULT), Clock.systemUTC());
        service.loadInodes();
    }

    /** A second service over the same stores, as after a daemon restart. */
    VdiFixture reopen() throws StoreException, SheepException {
        return new VdiFixture(objects, metadata, false);
    }

    @Override
    public void close() {
        io.shutdownNow();
    }
}
