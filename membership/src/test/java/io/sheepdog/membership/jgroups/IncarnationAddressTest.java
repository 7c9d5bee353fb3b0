package io.sheepdog.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.Admission;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.testing.TestCluster;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;
import org.junit.jupiter.api.Test;

class IncarnationAddressTest {
    private final MemberInfo self = new MemberInfo(TestCluster.node(7000, 1, 64), "incarnation-1",
            Admission.PROTOCOL_VERSION, "cluster-1");

    @Test
    void aLaterIncarnationSortsAfterEveryEarlierOneWhateverItsRandomPart() {
        for (int i = 0; i < 1000; i++) {
            ExtendedUUID earlier = IncarnationAddress.create("a", self, 1_700_000_000_000L);
            ExtendedUUID later = IncarnationAddress.create("b", self, 1_700_000_000_001L);
            assertThat(earlier.compareTo(later)).isNegative();
            assertThat(later.compareTo(earlier)).isPositive();
        }
    }

    @Test
    void everyStartGetsItsOwnAddressCarryingTheMemberAndTheName() {
        ExtendedUUID a = IncarnationAddress.create("127.0.0.1:7000", self, 42);
        ExtendedUUID b = IncarnationAddress.create("127.0.0.1:7000", self, 42);
        assertThat(a).isNotEqualTo(b);
        assertThat(MemberCodec.of(a)).contains(self);
        assertThat(NameCache.get(a)).isEqualTo("127.0.0.1:7000");
    }
}
