package io.sheepdog.daemon.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.testing.fuzz.CaseSender;
import io.sheepdog.daemon.testing.fuzz.FuzzLoop;
import io.sheepdog.daemon.testing.fuzz.FuzzSettings;
import io.sheepdog.daemon.testing.fuzz.SheepFrameCases;
import io.sheepdog.daemon.testing.fuzz.SheepResponseTally;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mutated sheep protocol streams ({@link SheepFrameCases}: client and peer opcodes, damaged headers, JSON and binary
 * payloads, cut frames) against a real daemon's sheep port, aimed at three scratch VDIs and never at the known one;
 * after every batch the daemon still serves NBD and sheep protocol clients, the known data is intact and its memory
 * is bounded ({@link HostileDaemon}). Bounded to 3000 cases or 45 s; see the package documentation for replaying and
 * long runs.
 */
class SheepFrameFuzzIT {
    @RegisterExtension
    static final HostileDaemon DAEMON = new HostileDaemon("hostile-a", "hostile-b", "hostile-c");

    @Test
    void mutatedFramesLeaveTheDaemonServing() throws Exception {
        FuzzSettings settings = FuzzSettings.fromSystemProperties(3000, Duration.ofSeconds(45), 300);
        SheepFrameCases cases = new SheepFrameCases(DAEMON.scratch().stream().map(VdiInfo::vid).toList(),
                DAEMON.scratch().stream().map(VdiInfo::name).toList(), HostileDaemon.SCRATCH_SIZE, DAEMON.epoch(),
                DAEMON.known().vid(), HostileDaemon.KNOWN);
        SheepResponseTally answers = new SheepResponseTally();
        FuzzLoop.Report r = new FuzzLoop("SheepFrameFuzzIT", settings, DAEMON.health()).run(cases,
                CaseSender.raw(DAEMON.endpoint().host(), DAEMON.endpoint().port(), answers));
        System.out.println("SheepFrameFuzzIT: responses " + answers.snapshot() + "; UNKNOWN results say "
                + answers.unknownMessages());
        assertThat(r.refused()).as("connections the daemon refused: %s", r).isZero();
        // The cases reach the handlers and get through their checks, in every kind of operation.
        for (Opcode.Kind kind : Opcode.Kind.values()) {
            assertThat(answers.count(kind, ResultCode.SUCCESS)).as("%s requests served: %s", kind,
                    answers.snapshot()).isPositive();
            assertThat(answers.count(kind, ResultCode.INVALID_PARAMS)).as("%s requests refused: %s", kind,
                    answers.snapshot()).isPositive();
        }
    }
}
