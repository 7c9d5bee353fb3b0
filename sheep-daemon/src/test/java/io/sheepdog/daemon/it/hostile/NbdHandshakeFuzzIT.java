package io.sheepdog.daemon.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.fuzz.CaseSender;
import io.sheepdog.daemon.testing.fuzz.FuzzLoop;
import io.sheepdog.daemon.testing.fuzz.FuzzSettings;
import io.sheepdog.daemon.testing.fuzz.HostileConnection.Outcome;
import io.sheepdog.daemon.testing.fuzz.NbdHandshakeCases;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutated fixed newstyle handshakes ({@link NbdHandshakeCases}) against a real daemon's NBD port, each on a fresh
 * connection; after every batch the daemon still serves NBD and sheep protocol clients, the known data is intact and
 * its memory is bounded ({@link HostileDaemon}). Bounded to 3000 cases or 45 s; see the package documentation for
 * replaying and long runs.
 */
class NbdHandshakeFuzzIT {
    private static final String SCRATCH = "hostile-nbd";

    @RegisterExtension
    static final HostileDaemon DAEMON = new HostileDaemon(SCRATCH);

    @Test
    void mutatedHandshakesLeaveTheDaemonServing() {
        FuzzSettings settings = FuzzSettings.fromSystemProperties(3000, Duration.ofSeconds(45), 300);
        FuzzLoop.Report r = new FuzzLoop("NbdHandshakeFuzzIT", settings, DAEMON.health()).run(
                new NbdHandshakeCases(List.of(SCRATCH, "hostile-missing"), HostileDaemon.KNOWN),
                CaseSender.raw(DAEMON.endpoint().host(), DAEMON.endpoint().nbdPort()));
        assertThat(r.refused()).as("connections the daemon refused: %s", r).isZero();
        // Both ends are reached: handshakes the server ends (bad flags, magic, sizes) and ones it waits out.
        assertThat(r.outcomes()).as("%s", r).containsKeys(Outcome.CLOSED_BY_SERVER, Outcome.CLOSED_BY_CLIENT);
    }
}
