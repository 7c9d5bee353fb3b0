package io.sheepdog.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdBlockStatusMapperTest {

    private static final Extent DATA = new Extent(4096, false, false);
    private static final Extent HOLE = new Extent(4096, true, true);

    @Test
    void reqOneGivesOneDescriptorNoLongerThanTheRequest() {
        assertThat(NbdBlockStatusMapper.map(List.of(new Extent(1 << 20, true, true), DATA), 4096, 1L << 30, true, 10))
                .containsExactly(new Extent(4096, true, true));
        assertThat(NbdBlockStatusMapper.map(List.of(new Extent(100, false, false), HOLE), 4096, 1L << 30, true, 10))
                .containsExactly(new Extent(100, false, false));
    }

    @Test
    void descriptorsBeforeTheLastSumToLessThanTheRequest() {
        List<Extent> extents = List.of(DATA, HOLE, DATA, HOLE, DATA);
        List<Extent> out = NbdBlockStatusMapper.map(extents, 8192 + 1, 1L << 30, false, 100);
        assertThat(out).containsExactly(DATA, HOLE, DATA);
        long beforeLast = out.subList(0, out.size() - 1).stream().mapToLong(Extent::length).sum();
        assertThat(beforeLast).isLessThan(8192 + 1);
    }

    @Test
    void adjacentExtentsWithTheSameFlagsAreMerged() {
        assertThat(NbdBlockStatusMapper.map(List.of(DATA, DATA, HOLE, HOLE, DATA), 5 * 4096, 1L << 30, false, 100))
                .containsExactly(new Extent(8192, false, false), new Extent(8192, true, true), DATA);
    }

    @Test
    void nothingExtendsPastTheEndOfTheExport() {
        assertThat(NbdBlockStatusMapper.map(List.of(new Extent(1L << 40, true, true)), 100, 5000, false, 100))
                .containsExactly(new Extent(5000, true, true));
        assertThat(NbdBlockStatusMapper.map(List.of(DATA, HOLE), 4096, 4096, false, 100)).containsExactly(DATA);
    }

    @Test
    void hugeExtentsAreSplitIntoAlignedDescriptorsThatFit32Bits() {
        long max = NbdBlockStatusMapper.MAX_DESCRIPTOR_LENGTH;
        assertThat(max % 4096).isZero();
        assertThat(max).isLessThanOrEqualTo(0xFFFF_FFFFL);
        List<Extent> out = NbdBlockStatusMapper.map(List.of(new Extent(3 * max, true, true)), 0xFFFF_FFFFL,
                1L << 50, false, 100);
        // one descriptor of max bytes does not cover 2^32-1, so a second (same flags) follows
        assertThat(out).containsExactly(new Extent(max, true, true), new Extent(max, true, true));
    }

    @Test
    void descriptorCountIsCapped() {
        List<Extent> alternating = List.of(DATA, HOLE, DATA, HOLE, DATA, HOLE);
        assertThat(NbdBlockStatusMapper.map(alternating, 6 * 4096, 1L << 30, false, 3))
                .containsExactly(DATA, HOLE, DATA);
    }

    @Test
    void noUsableExtentIsEio() {
        assertThatThrownBy(() -> NbdBlockStatusMapper.map(List.of(), 4096, 1L << 30, false, 10))
                .isInstanceOfSatisfying(BlockDeviceException.class,
                        e -> assertThat(e.error()).isEqualTo(io.sheepdog.nbd.NbdError.EIO));
    }
}
