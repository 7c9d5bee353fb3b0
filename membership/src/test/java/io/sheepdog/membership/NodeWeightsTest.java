package io.sheepdog.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NodeWeightsTest {

    @Test
    void zoneComesFromTheAddress() throws Exception {
        assertThat(NodeWeights.defaultZone(InetAddress.getByName("10.0.1.2"))).isEqualTo(0x0a000102);
        assertThat(NodeWeights.defaultZone(InetAddress.getByName("10.0.1.3")))
                .isNotEqualTo(NodeWeights.defaultZone(InetAddress.getByName("10.0.1.2")));
        assertThat(NodeWeights.defaultZone(InetAddress.getByName("::1"))).isEqualTo(1);
    }

    @Test
    void weightFollowsCapacity() {
        assertThat(NodeWeights.defaultVnodes(1L << 40)).isEqualTo(128);
        assertThat(NodeWeights.defaultVnodes(2L << 40)).isEqualTo(256);
        assertThat(NodeWeights.defaultVnodes(0)).isEqualTo(1);
        assertThat(NodeWeights.defaultVnodes(Long.MAX_VALUE)).isEqualTo(NodeWeights.MAX_VNODES);
    }
}
