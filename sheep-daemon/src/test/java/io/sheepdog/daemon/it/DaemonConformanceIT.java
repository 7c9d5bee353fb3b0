package io.sheepdog.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ConformanceScript;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared NBD conformance script ({@code shared/nbd/nbd-conformance.sh}: nbdinfo, libnbd, qemu-img, qemu-io,
 * nbdcopy, fio and nbd-client against one export) passes against a real daemon serving a 256 MiB VDI. The script's
 * location comes from the system property {@value #SCRIPT_PROPERTY}, set by the failsafe configuration; the test is
 * skipped when the script or the client tools are missing.
 */
class DaemonConformanceIT {
    static final String SCRIPT_PROPERTY = "nbd.conformance.script";
    private static final String VDI = "conformance";
    private static final long SIZE = 256L << 20;

    @TempDir
    Path work;

    @Test
    void nbdConformanceScriptPassesAgainstAVdi() throws SheepException, IOException {
        Path script = Path.of(System.getProperty(SCRIPT_PROPERTY, "../../shared/nbd/nbd-conformance.sh"))
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(script), () -> "no conformance script at " + script);
        for (String tool : new String[] {"qemu-img", "qemu-io", "nbdinfo"}) {
            assumeTrue(ExternalCommand.isOnPath(tool), () -> tool + " is not installed");
        }
        try (SheepProcess sheep = SheepProcess.start(work.resolve("sheep"))) {
            try (SheepClient client = SheepClient.connect(sheep.host(), sheep.port(), Duration.ofSeconds(30))) {
                client.format(1, false, false);
                client.create(VDI, SIZE, 0);
            }
            Path logs = work.resolve("conformance-logs");
            CommandResult r = ConformanceScript.run(script, sheep.host(), sheep.nbdPort(), VDI, "256M", logs);
            assertThat(r.timedOut()).as(r.describe()).isFalse();
            assertThat(r.lastLine()).as(r.describe()).matches("\\d+ passed, 0 failed\\b.*");
            assertThat(r.exitCode()).as(r.describe()).isZero();
            assertThat(sheep.log()).as("Netty leak reports in the daemon log").doesNotContain("LEAK:");
        }
    }
}
