package io.sheepdog.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final NodeAddress N = TestCluster.node(7000, 0, 64);

    private static MemberInfo joiner(int version, String cluster) {
        return new MemberInfo(N, "i", version, cluster);
    }

    @Test
    void freshNodesAndSameClusterAreAdmitted() {
        assertThat(Admission.refusal(joiner(1, ""), 1, "c1")).isEmpty();
        assertThat(Admission.refusal(joiner(1, "c1"), 1, "c1")).isEmpty();
        assertThat(Admission.refusal(joiner(1, "c1"), 1, "")).isEmpty();
    }

    @Test
    void otherClusterOrVersionIsRefusedWithAReason() {
        assertThat(Admission.refusal(joiner(1, "c2"), 1, "c1")).hasValueSatisfying(r -> assertThat(r)
                .contains(N.hostPort(), "formatted into cluster c2", "this is cluster c1", "wipe its store"));
        assertThat(Admission.refusal(joiner(2, ""), 1, "")).hasValueSatisfying(r -> assertThat(r)
                .contains("protocol version 2", "speaks 1"));
    }

    @Test
    void groupClusterIdPrefersTheLocalOne() {
        List<MemberInfo> members = List.of(joiner(1, ""), joiner(1, "c3"));
        assertThat(Admission.groupClusterId("c1", members)).isEqualTo("c1");
        assertThat(Admission.groupClusterId("", members)).isEqualTo("c3");
        assertThat(Admission.groupClusterId("", List.of(joiner(1, "")))).isEmpty();
    }
}
