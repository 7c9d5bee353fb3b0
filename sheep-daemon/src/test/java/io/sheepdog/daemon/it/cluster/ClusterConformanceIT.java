package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ConformanceScript;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared NBD conformance script passes through node 2 of a three-node cluster (copies = 2) for a VDI created
 * through node 0: node 2 is the gateway of every request and holds only some of the objects, so reads and writes
 * also cross to the other replicas. The test is skipped when the script ({@link ConformanceScript}) or the client
 * tools are missing.
 */
@Tag("cluster")
class ClusterConformanceIT {
    private static final String VDI = "conformance";
    private static final long SIZE = 256L << 20;

    @TempDir
    Path work;

    @Test
    void nbdConformanceScriptPassesThroughANodeOtherThanTheCreator() throws Exception {
        Path script = ConformanceScript.require();
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(2).start()) {
            VdiInfo created = cluster.client(0).create(VDI, SIZE, 0);
            assertThat(cluster.awaitVdi(VDI).vid()).isEqualTo(created.vid());
            NodeEndpoint gateway = cluster.endpoint(2);
            Path logs = work.resolve("conformance-logs");
            CommandResult r = ConformanceScript.run(script, gateway.host(), gateway.nbdPort(), VDI, "256M", logs);
            if (!r.succeeded()) {
                System.out.println(cluster.logTails());
            }
            ConformanceScript.assertPassed(r);
            assertThat(cluster.logs()).as("Netty leak reports in the daemon logs").doesNotContain("LEAK:");
        }
    }
}
