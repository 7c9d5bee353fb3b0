package io.sheepdog.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.membership.testing.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MembershipConfigTest {

    @Test
    void defaultsBindToTheSheepAddressOnThePortPlusOffset() {
        NodeAddress self = TestCluster.node(7000, 0, 64);
        MembershipConfig c = MembershipConfig.of(self, MembershipConfig.TcpJoin.parse("127.0.0.1:8000,127.0.0.2:8000"));
        assertThat(c.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(c.bindPort()).isEqualTo(8000);
        assertThat(c.failureDetection()).isEqualTo(FailureDetection.DEFAULTS);
        assertThat(((MembershipConfig.TcpJoin) c.discovery()).initialHosts()).hasSize(2);
        assertThat(c.describe()).contains("bind 127.0.0.1:8000", "timeout 3000 ms");
    }

    @Test
    void parsesMulticastAndRejectsNonsense() {
        MembershipConfig.Multicast m = MembershipConfig.Multicast.parse("239.1.2.3:7500");
        assertThat(m.group().getHostAddress()).isEqualTo("239.1.2.3");
        assertThat(m.port()).isEqualTo(7500);
        assertThat(m.ttl()).isEqualTo(1);
        assertThatThrownBy(() -> MembershipConfig.Multicast.parse("10.0.0.1:7500"))
                .hasMessageContaining("not a multicast address");
        assertThatThrownBy(() -> MembershipConfig.TcpJoin.parse("host-without-port"))
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> MembershipConfig.TcpJoin.parse("127.0.0.1:99999")).hasMessageContaining("range");
        assertThat(MembershipConfig.TcpJoin.parse("[::1]:8000").initialHosts().get(0).getPort()).isEqualTo(8000);
        assertThatThrownBy(() -> new FailureDetection(Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(1))).hasMessageContaining("twice the heartbeat interval");
    }
}
