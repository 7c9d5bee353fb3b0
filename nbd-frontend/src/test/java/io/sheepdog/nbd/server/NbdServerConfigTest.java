package io.sheepdog.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NbdServerConfigTest {

    @Test
    void defaults() {
        NbdServerConfig config = NbdServerConfig.builder().build();
        assertThat(config.bindAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(config.port()).isEqualTo(10809);
        assertThat(config.maxPayload()).isEqualTo(32 * 1024 * 1024);
        assertThat(config.eventLoopThreads()).isZero();
        assertThat(config.maxInFlightRequests()).isEqualTo(256);
    }

    @Test
    void rejectsBadValues() {
        assertThatThrownBy(() -> NbdServerConfig.builder().port(65536).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> NbdServerConfig.builder().maxPayload(4095).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPayload");
        assertThatThrownBy(() -> NbdServerConfig.builder().eventLoopThreads(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NbdServerConfig.builder().maxInFlightRequests(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NbdServerConfig.builder().bindAddress(null).build())
                .isInstanceOf(NullPointerException.class);
    }
}
