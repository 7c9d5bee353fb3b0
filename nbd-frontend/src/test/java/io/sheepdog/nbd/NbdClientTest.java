package io.sheepdog.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

class NbdClientTest {

    @Test
    void hostIsTheIpAddressEvenWhenTheAddressCarriesAName() throws Exception {
        InetAddress named = InetAddress.getByAddress("db1.example", new byte[] {10, 1, 2, 3});
        NbdClient client = new NbdClient(new InetSocketAddress(named, 50123));
        assertThat(client.host()).isEqualTo("10.1.2.3");
        assertThat(client).hasToString("10.1.2.3:50123");
    }

    @Test
    void ipv6HostsAreBracketedWithThePort() throws Exception {
        NbdClient client = new NbdClient(new InetSocketAddress(InetAddress.getByName("::1"), 7000));
        assertThat(client.host()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(client).hasToString("[0:0:0:0:0:0:0:1]:7000");
    }

    @Test
    void anUnresolvedAddressGivesItsHostTextAndOtherAddressesTheirOwnText() {
        NbdClient unresolved = new NbdClient(InetSocketAddress.createUnresolved("db2.example", 10809));
        assertThat(unresolved.host()).isEqualTo("db2.example");
        assertThat(unresolved).hasToString("db2.example:10809");

        SocketAddress local = new SocketAddress() {
            @Override
            public String toString() {
                return "local:nbd-1";
            }
        };
        assertThat(new NbdClient(local).host()).isEqualTo("local:nbd-1");
        assertThat(new NbdClient(local)).hasToString("local:nbd-1");
    }
}
