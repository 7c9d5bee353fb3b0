package io.sheepdog.daemon.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.fuzz.CaseSender;
import io.sheepdog.daemon.testing.fuzz.FuzzLoop;
import io.sheepdog.daemon.testing.fuzz.FuzzSettings;
import io.sheepdog.daemon.testing.fuzz.NbdTransmissionCases;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutated transmission-phase bursts ({@link NbdTransmissionCases}) after a valid handshake to a scratch export of a
 * real daemon, each on a fresh connection; after every batch the daemon still serves NBD and sheep protocol clients,
 * the known data is intact, the scratch VDI still reads whole (whatever the cases wrote, trimmed or zeroed) and the
 * daemon's memory is bounded ({@link HostileDaemon}). Bounded to 2000 cases or 40 s of sending; see the package
 * documentation for replaying and long runs.
 */
class NbdTransmissionFuzzIT {
    private static final String SCRATCH = "hostile-nbd-io";

    @RegisterExtension
    static final HostileDaemon DAEMON = new HostileDaemon(SCRATCH).readingScratchWhole();

    @Test
    void mutatedRequestsAfterAValidHandshakeLeaveTheDaemonServing() {
        FuzzSettings settings = FuzzSettings.fromSystemProperties(2000, Duration.ofSeconds(40), 250);
        FuzzLoop.Report r = new FuzzLoop("NbdTransmissionFuzzIT", settings, DAEMON.health()).run(
                new NbdTransmissionCases(SCRATCH, HostileDaemon.SCRATCH_SIZE),
                CaseSender.afterNbdHandshake(DAEMON.endpoint().host(), DAEMON.endpoint().nbdPort()));
        // A refusal here is a valid handshake the daemon did not complete: the cases would not reach transmission.
        assertThat(r.refused()).as("valid handshakes refused: %s", r).isZero();
    }
}
