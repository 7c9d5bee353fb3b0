package io.sheepdog.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Fnv1aTest {

    @Test
    void matchesPublishedTestVectors() {
        // Vectors from the FNV reference test suite (fnv_test_str, 64-bit FNV-1a).
        assertThat(Fnv1a.hash(new byte[0])).isEqualTo(0xcbf29ce484222325L);
        assertThat(Fnv1a.hash("a".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(Fnv1a.hash("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void nodeIdIsStableAndDependsOnPort() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        assertThat(NodeId.of(lo, 7000)).isEqualTo(NodeId.of(lo, 7000));
        assertThat(NodeId.of(lo, 7000)).isNotEqualTo(NodeId.of(lo, 7001));
        assertThat(NodeId.of(lo, 7000).toString()).hasSize(16);
    }
}
