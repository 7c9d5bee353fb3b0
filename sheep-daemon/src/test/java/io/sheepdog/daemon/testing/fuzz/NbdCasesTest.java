package io.sheepdog.daemon.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NbdCasesTest {
    @Test
    void handshakeCasesAreReproducibleAndNeverNameTheKnownVdi() {
        NbdHandshakeCases cases = new NbdHandshakeCases(List.of("scratch"), "known-vdi");
        byte[] known = "known-vdi".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2000; i++) {
            FuzzCase c = cases.generate(i, new SplittableRandom(i));
            assertThat(cases.generate(i, new SplittableRandom(i)).bytes()).isEqualTo(c.bytes());
            assertThat(Bytes.contains(c.bytes(), known)).as(c.describe()).isFalse();
        }
    }

    @Test
    void transmissionCasesStartWithAValidSessionAndStayWithinTheirPayloadBudget() {
        NbdTransmissionCases cases = new NbdTransmissionCases("scratch", 64L << 20);
        for (int i = 0; i < 300; i++) {
            FuzzCase c = cases.generate(i, new SplittableRandom(i));
            assertThat(Bytes.contains(c.preamble(), "scratch".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(c.bytes().length).as(c.label()).isLessThan((36 << 20) + 64 * 1024);
        }
    }
}
