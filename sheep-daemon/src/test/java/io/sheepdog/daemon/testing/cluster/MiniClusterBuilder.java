package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.gateway.ReadPolicy;
import io.sheepdog.membership.FailureDetection;
import java.io.IOException;
import java.nio.file.Path;

/** Options of a {@link MiniCluster}; {@link #start()} brings it up. */
public final class MiniClusterBuilder extends TestClusterBuilder<MiniClusterBuilder> {
    ReadPolicy readPolicy = ReadPolicy.LOCAL_FIRST;
    FailureDetection failureDetection = FailureDetection.DEFAULTS;
    int ioThreads = 4;

    MiniClusterBuilder(Path baseDir) {
        super(baseDir);
    }

    @Override
    MiniClusterBuilder self() {
        return this;
    }

    /** Which replica serves reads on every node; local-first by default. */
    public MiniClusterBuilder readPolicy(ReadPolicy value) {
        this.readPolicy = value;
        return this;
    }

    public MiniClusterBuilder failureDetection(FailureDetection value) {
        this.failureDetection = value;
        return this;
    }

    /** Store I/O threads per daemon; 4 by default (several daemons share this JVM). */
    public MiniClusterBuilder ioThreads(int value) {
        this.ioThreads = value;
        return this;
    }

    /**
     * Starts node 0, then the others joining it, waits until every node sees all of them, and formats the cluster
     * unless {@link #copies(int)} is 0. On failure everything started is stopped again.
     */
    public MiniCluster start() throws IOException {
        check();
        return MiniCluster.start(this);
    }
}
