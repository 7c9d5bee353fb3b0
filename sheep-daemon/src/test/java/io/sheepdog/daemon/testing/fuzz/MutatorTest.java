package io.sheepdog.daemon.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MutatorTest {
    private static final byte[] INPUT = "a well-formed message of some length".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Test
    void theSameRandomSourceDamagesTheSameWay() {
        for (int seed = 0; seed < 200; seed++) {
            byte[] a = Mutator.apply(INPUT, new SplittableRandom(seed), 4, 100, new StringBuilder());
            byte[] b = Mutator.apply(INPUT, new SplittableRandom(seed), 4, 100, new StringBuilder());
            assertThat(a).as("seed %d", seed).isEqualTo(b);
        }
    }

    @Test
    void resultsStayWithinTheMaximumLengthAndTheInputIsLeftAlone() {
        byte[] copy = INPUT.clone();
        for (int seed = 0; seed < 2000; seed++) {
            StringBuilder label = new StringBuilder();
            byte[] out = Mutator.apply(INPUT, new SplittableRandom(seed), 8, INPUT.length + 8, label);
            assertThat(out.length).as("seed %d:%s", seed, label).isLessThanOrEqualTo(INPUT.length + 8);
        }
        assertThat(INPUT).isEqualTo(copy);
    }

    @Test
    void mostRoundsChangeSomethingAndSayWhat() {
        int changed = 0;
        for (int seed = 0; seed < 500; seed++) {
            StringBuilder label = new StringBuilder();
            byte[] out = Mutator.apply(INPUT, new SplittableRandom(seed), 1, 100, label);
            if (!java.util.Arrays.equals(out, INPUT)) {
                changed++;
                assertThat(label.toString()).as("seed %d", seed).isNotBlank();
            }
        }
        assertThat(changed).isGreaterThan(400);
    }
}
