package io.sheepdog.membership.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedundancyTest {

    @Test
    void replicationAllowsOneToThirtyOneCopies() {
        assertThat(Redundancy.replicas(1).copies()).isEqualTo(1);
        assertThat(Redundancy.replicas(Redundancy.MAX_COPIES).copies()).isEqualTo(31);
        assertThat(Redundancy.replicas(3)).isEqualTo(Redundancy.replicas(3)).hasToString("3 copies");
    }

    @Test
    void outOfRangeNamesTheValueAndTheRange() {
        for (int bad : new int[] {0, -1, 32, 255, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> Redundancy.replicas(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("copies must be between 1 and 31, got " + bad);
        }
    }
}
