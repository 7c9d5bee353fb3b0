package io.sheepdog.collie.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import io.sheepdog.daemon.testing.process.FreePorts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie cluster shutdown and cluster recover force against FakeSheep behind a real SheepServer. */
@ExtendWith(NettyLeakCheck.class)
class ClusterShutdownRecoverTest {

    private final CollieHarness h = new CollieHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** The fake answering at the harness port, and a member at a loopback port nothing listens on. */
    private String membersWithOneGone() {
        int gone = FreePorts.pick(1)[0];
        h.sheep.setNodes(List.of(FakeSheep.node("127.0.0.1", h.port, 0, true), FakeSheep.node("127.0.0.1", gone, 1,
                false)));
        return "127.0.0.1:" + gone;
    }

    @Test
    void shutdownNamesEveryNodeAsItStopsAndTheOnesThatStillAnswer() {
        h.run("cluster", "format");
        String gone = membersWithOneGone();
        Result r = h.run("cluster", "shutdown", "--wait", "1");
        assertThat(h.sheep.shutdowns()).isEqualTo(1);
        // the fake keeps answering where a real sheep stops
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout()).startsWith("Shutting down 2 nodes: 127.0.0.1:" + h.port + ", " + gone + "\n")
                .contains("  " + gone + " stopped\n").doesNotContain("every node stopped");
        assertThat(r.stderr()).isEqualTo("collie: after 1 s these nodes still answer: 127.0.0.1:" + h.port
                + " (see their logs; 'kill -TERM' stops a sheep cleanly)\n");
    }

    @Test
    void shutdownSucceedsOnceNoMemberAnswers() {
        h.run("cluster", "format");
        int gone = FreePorts.pick(1)[0];
        h.sheep.setNodes(List.of(FakeSheep.node("127.0.0.1", gone, 0, false)));
        Result r = h.run("cluster", "shutdown");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("Shutting down 1 node: 127.0.0.1:" + gone + "\n"
                + "  127.0.0.1:" + gone + " stopped\n"
                + "Cluster shut down: every node stopped.\n");
    }

    @Test
    void shutdownOfAnUnformattedClusterIsRefused() {
        Result r = h.run("cluster", "shutdown");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(h.sheep.shutdowns()).isZero();
        assertThat(h.run("cluster", "shutdown", "--wait", "0").exitCode()).isEqualTo(64);
    }

    @Test
    void infoNamesTheNodesARestartedClusterWaitsFor() {
        h.run("cluster", "format");
        h.sheep.waitFor(List.of("10.0.0.2:7000"));
        Result r = h.run("cluster", "info");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).startsWith("Cluster status: Waiting for other nodes to join cluster\n")
                .endsWith("Note: Waiting for other nodes to join cluster: [10.0.0.2:7000]\n");
    }

    @Test
    void recoverForceAsksFirstThenStartsAnEpochWithTheLiveNodes() {
        h.run("cluster", "format");
        h.sheep.waitFor(List.of("10.0.0.2:7000"));
        Result no = h.runWithStdin(stdin("no\n"), "cluster", "recover", "force");
        assertThat(no.exitCode()).isEqualTo(1);
        assertThat(no.stdout()).contains("Are you sure you want to continue? [yes/no]: ");
        assertThat(no.stderr()).isEqualTo("collie: not confirmed; nothing changed\n");
        assertThat(h.run("cluster", "info", "-r").stdout()).startsWith("Waiting for other nodes to join cluster\n");

        Result yes = h.runWithStdin(stdin("yes\n"), "cluster", "recover", "force");
        assertThat(yes.exitCode()).as(yes.toString()).isZero();
        assertThat(yes.stdout()).endsWith("Recovery forced: epoch 2 started with 10.0.0.1:7000\n");
        assertThat(h.run("cluster", "info", "-r").stdout()).startsWith("running\n");
    }

    @Test
    void recoverForceOfARunningClusterIsRefused() {
        h.run("cluster", "format");
        Result r = h.run("cluster", "recover", "force", "--yes");
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.stderr()).isEqualTo("collie: the cluster is running in epoch 1: 'recover force' is only for a"
                + " restarted cluster waiting for nodes\n");
        Result noVerb = h.run("cluster", "recover");
        assertThat(noVerb.exitCode()).isEqualTo(64);
        assertThat(noVerb.stderr()).contains("force");
    }

    private static ByteArrayInputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
