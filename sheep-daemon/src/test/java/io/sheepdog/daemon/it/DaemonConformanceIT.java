package io.sheepdog.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ConformanceScript;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared NBD conformance script ({@link ConformanceScript}) passes against a real daemon serving a 256 MiB VDI;
 * the test is skipped when the script or the client tools are missing.
 */
class DaemonConformanceIT {
    private static final String VDI = "conformance";
    private static final long SIZE = 256L << 20;

    @TempDir
    Path work;

    @Test
    void nbdConformanceScriptPassesAgainstAVdi() throws SheepException, IOException {
        Path script = ConformanceScript.require();
        try (SheepProcess sheep = SheepProcess.start(work.resolve("sheep"))) {
            try (SheepClient client = SheepClient.connect(sheep.host(), sheep.port(), Duration.ofSeconds(30))) {
                client.format(1, false, false);
                client.create(VDI, SIZE, 0);
            }
            Path logs = work.resolve("conformance-logs");
            CommandResult r = ConformanceScript.run(script, sheep.host(), sheep.nbdPort(), VDI, "256M", logs);
            ConformanceScript.assertPassed(r);
            assertThat(sheep.log()).as("Netty leak reports in the daemon log").doesNotContain("LEAK:");
        }
    }
}
