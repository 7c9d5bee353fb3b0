package io.sheepdog.daemon.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.membership.MembershipConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private final ClusterCa ca = ClusterCa.generate("prod", NOW);

    @TempDir
    Path dir;

    private Identity throughACertificate(Identity who) {
        return ca.issue(who, List.of("10.0.0.1", "sheep1.example"), NOW, NOW.plus(Duration.ofDays(1))).identity();
    }

    @Test
    void everyRoleSurvivesACertificate() {
        for (Role r : Role.values()) {
            Identity who = r == Role.VDI ? new Identity("qemu-1", r, Set.of("alice", "bob, with comma"))
                    : Identity.of("someone", r);
            assertThat(throughACertificate(who)).isEqualTo(who);
        }
    }

    @Test
    void rolesParseFromTheCommandLine() {
        assertThat(Identity.parse("h", "vdi:alice,bob").vdis()).containsExactly("alice", "bob");
        assertThat(Identity.parse("h", "READ-ONLY").role()).isEqualTo(Role.READ_ONLY);
        assertThatThrownBy(() -> Identity.parse("h", "root")).hasMessageContaining("unknown role 'root'")
                .hasMessageContaining("vdi:NAME");
        assertThatThrownBy(() -> Identity.parse("h", "vdi:")).hasMessageContaining("at least one VDI");
    }

    @Test
    void whatEachRoleMayDo() {
        assertThat(Identity.of("n", Role.NODE).allows(OpcodeAccess.required(Opcode.PEER_WRITE_OBJ))).isTrue();
        assertThat(Identity.of("a", Role.ADMIN).allows(OpcodeAccess.required(Opcode.PEER_WRITE_OBJ))).isFalse();
        assertThat(Identity.of("a", Role.ADMIN).allows(OpcodeAccess.required(Opcode.CLUSTER_FORMAT))).isTrue();
        assertThat(Identity.of("u", Role.USER).allows(OpcodeAccess.required(Opcode.VDI_WRITE))).isTrue();
        assertThat(Identity.of("u", Role.USER).allows(OpcodeAccess.required(Opcode.VDI_DELETE))).isFalse();
        assertThat(Identity.of("u", Role.USER).allows(OpcodeAccess.required(Opcode.VDI_UNLOCK))).isFalse();
        assertThat(Identity.of("r", Role.READ_ONLY).allows(OpcodeAccess.required(Opcode.VDI_READ))).isTrue();
        assertThat(Identity.of("r", Role.READ_ONLY).allows(OpcodeAccess.required(Opcode.VDI_WRITE))).isFalse();
        Identity vm = Identity.parse("v", "vdi:alice");
        assertThat(vm.allows(OpcodeAccess.required(Opcode.CLUSTER_INFO))).isTrue();
        assertThat(vm.allows(OpcodeAccess.required(Opcode.VDI_READ))).isFalse();
        assertThat(vm.mayOpen("alice")).isTrue();
        assertThat(vm.mayOpen("bob")).isFalse();
        assertThat(Identity.of("r", Role.READ_ONLY).readOnly()).isTrue();
    }

    @Test
    void everyPeerOpcodeNeedsTheNodeRole() {
        for (Opcode op : Opcode.values()) {
            if (op.kind() == Opcode.Kind.PEER) {
                assertThat(OpcodeAccess.required(op)).as(op.name()).isEqualTo(Permission.PEER);
            }
        }
    }

    @Test
    void aSavedCaLoadsAndKeepsItsFiles() throws Exception {
        ca.save(dir);
        ClusterCa loaded = ClusterCa.load(dir);
        assertThat(loaded.canSign()).isTrue();
        assertThat(loaded.cluster()).isEqualTo("prod");
        assertThat(loaded.signed(ca.issue(Identity.of("x", Role.USER), List.of(), NOW, NOW.plusSeconds(60))
                .certificate())).isTrue();
        assertThatThrownBy(() -> ca.save(dir)).hasMessageContaining("exists already");
        assertThat(ClusterCa.generate("other", NOW).signed(loaded.issue(Identity.of("x", Role.USER), List.of(), NOW,
                NOW.plusSeconds(60)).certificate())).isFalse();
    }

    @Test
    void aKeyOfAnotherCaIsRefusedOnLoad() throws Exception {
        Credentials mine = ca.issue(Identity.of("x", Role.ADMIN), List.of(), NOW, NOW.plus(Duration.ofDays(1)));
        Credentials mixed = new Credentials(mine.key(), mine.certificate(), ClusterCa.generate("other", NOW)
                .certificate());
        mixed.saveClient(dir.resolve("mixed"));
        assertThatThrownBy(() -> Credentials.loadClient(dir.resolve("mixed"), NOW))
                .hasMessageContaining("not signed by the CA beside it");
        assertThatThrownBy(() -> Credentials.loadClient(dir.resolve("none"), NOW))
                .hasMessageContaining("collie key create");
    }

    @Test
    void aReachableAddressNeedsKeysOrInsecure() throws Exception {
        InetAddress lan = InetAddress.getByName("10.1.2.3");
        MembershipConfig.Discovery join = MembershipConfig.TcpJoin.parse("10.1.2.4:8000");
        assertThatThrownBy(() -> SecurityConfig.NONE.check(lan, join)).hasMessageContaining("--keys")
                .hasMessageContaining("--insecure");
        new SecurityConfig(Optional.empty(), true).check(lan, join);
        SecurityConfig.keys(dir).check(lan, join);
        SecurityConfig.NONE.check(InetAddress.getLoopbackAddress(), join);
    }
}
