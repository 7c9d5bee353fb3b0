package io.sheepdog.daemon.it.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.netns.NetNs;
import io.sheepdog.daemon.testing.netns.TestNetwork;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace harness itself: a sheep in a namespace of its own is reached from the test JVM (through the uplink)
 * and from another namespace (nbdinfo run there), a cut makes it unreachable from both, a heal reachable again; a
 * network leaves nothing behind, and the leftovers of a test JVM that is gone are removed.
 */
@Tag("netns")
class TestNetworkIT {
    private static final Duration SHORT = Duration.ofSeconds(3);

    @TempDir
    Path work;

    @BeforeEach
    void needsNamespaces() {
        assumeTrue(NetNs.available(), () -> "skipped: " + NetNs.unavailableReason().orElse(""));
    }

    @Test
    void aCutHostIsUnreachableBothWaysUntilHealed() throws Exception {
        String hub;
        try (TestNetwork net = TestNetwork.create(2);
             SheepProcess sheep = SheepProcess.builder(work).host(net.host(0)).launcher(net.launcher(0)).start()) {
            hub = net.namespace(0);
            assertThat(net.host(0)).startsWith("198.18.").endsWith(".1");
            assertThat(reachableFromJvm(sheep)).isTrue();
            assertThat(nbdList(net, 1, sheep).exitCode()).as("nbdinfo from host 1 before the cut").isZero();

            net.cut(0);
            assertThat(net.isCut(0)).isTrue();
            assertThat(reachableFromJvm(sheep)).isFalse();
            CommandResult cutOff = nbdList(net, 1, sheep);
            assertThat(cutOff.succeeded()).as(cutOff.describe()).isFalse();
            // The cut host still reaches itself: it is cut off, not down.
            assertThat(nbdList(net, 0, sheep).exitCode()).isZero();

            net.heal(0);
            assertThat(reachableFromJvm(sheep)).isTrue();
            assertThat(nbdList(net, 1, sheep).exitCode()).isZero();
        }
        assertThat(NetNsListing.namespaces()).noneMatch(ns -> ns.startsWith(hub.substring(0, hub.lastIndexOf('-'))));
    }

    @Test
    void leftoversOfAJvmThatIsGoneAreRemoved() {
        // PIDs never exceed 2^22 on Linux, so no running process owns this name.
        String stale = NetNs.PREFIX + "99999999_7-n0";
        assertThat(ExternalCommand.of("ip", "netns", "add", stale).run().succeeded()).isTrue();
        try {
            NetNs.removeLeftovers();
            assertThat(NetNsListing.namespaces()).doesNotContain(stale);
        } finally {
            ExternalCommand.of("ip", "netns", "del", stale).run();
        }
    }

    private static boolean reachableFromJvm(SheepProcess sheep) {
        try (SheepClient c = SheepClient.connect(sheep.host(), sheep.port(), SHORT)) {
            c.info();
            return true;
        } catch (SheepException e) {
            return false;
        }
    }

    private static CommandResult nbdList(TestNetwork net, int from, SheepProcess sheep) {
        return ExternalCommand.of(net.inHost(from, List.of("nbdinfo", "--list",
                "nbd://" + sheep.host() + ":" + sheep.nbdPort() + "/"))).timeout(Duration.ofSeconds(5)).run();
    }

    /** The namespaces {@code ip netns list} shows. */
    private static final class NetNsListing {
        static List<String> namespaces() {
            return ExternalCommand.of("ip", "netns", "list").run().stdout().lines()
                    .map(l -> l.strip().split("\\s+")[0]).toList();
        }
    }
}
