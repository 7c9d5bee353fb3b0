package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class VdiIdsTest {

    @Test
    void idIsTheLow24BitsOfFnv1aOfTheName() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (reference vector); its low 24 bits are 0x01ec8c.
        assertThat(VdiIds.hash("a")).isEqualTo(0x01ec8c);
        assertThat(VdiIds.allocate("a", vid -> false)).hasValue(0x01ec8c);
    }

    @Test
    void collisionsProbeToTheNextFreeId() {
        int h = VdiIds.hash("alice");
        Set<Integer> used = Set.of(h, h + 1);
        assertThat(VdiIds.allocate("alice", used::contains)).hasValue(h + 2);
    }

    @Test
    void probingWrapsAndSkipsTheReservedIdZero() {
        int h = VdiIds.hash("alice");
        // Everything from h to the top of the space is taken: the next candidates are 0 (reserved) and then 1.
        assertThat(VdiIds.allocate("alice", vid -> vid >= h)).hasValue(h == 1 ? 2 : 1);
    }

    @Test
    void fullIdSpaceGivesNothing() {
        assertThat(VdiIds.allocate("x", vid -> true)).isEmpty();
    }
}
