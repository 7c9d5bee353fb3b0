package io.sheepdog.daemon.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;

/** qemu-io against one node's NBD export of a test cluster, failing the test when the command does. */
public final class QemuIo {
    private QemuIo() {
    }

    /**
     * Runs qemu-io {@code command} (such as {@code "write -P 0xab 0 4M"}) on export {@code export} through node
     * {@code node}, read-only if asked (export {@code EXPORT/ro}, which takes no write lock); asserts it exited 0 and
     * reported no failed request.
     */
    public static CommandResult run(TestCluster cluster, String export, int node, boolean readOnly, String command) {
        String uri = cluster.endpoint(node).nbdUri(readOnly ? export + "/ro" : export);
        CommandResult r = readOnly
                ? ExternalCommand.of("qemu-io", "-f", "raw", "-r", "-c", command, uri).run()
                : ExternalCommand.of("qemu-io", "-f", "raw", "-c", command, uri).run();
        assertThat(r.exitCode()).as("node %d: %s", node, r.describe()).isZero();
        assertThat(r.output()).as("node %d: %s", node, r.describe()).doesNotContain("failed");
        return r;
    }
}
