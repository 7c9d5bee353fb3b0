package io.sheepdog.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a node joins the cluster: validated at construction, defaults in one place ({@link #of}).
 *
 * @param clusterName      the group name; nodes with different names never see each other
 * @param self             the address this node advertises to the others (its sheep address, zone and weight)
 * @param bindAddress      the local address the membership binds to; never the wildcard unless asked for
 * @param bindPort         the membership port, separate from the sheep port (default sheep port + {@link #PORT_OFFSET})
 * @param discovery        how to find the other members
 * @param failureDetection how fast a dead or hung member is noticed
 * @param joinTimeout      how long a starting node looks for an existing cluster before it founds its own
 * @param protocolVersion  the version presented when joining ({@link Admission#PROTOCOL_VERSION}; tests change it)
 * @param tls              TLS for the TCP transport (both sides present a node certificate of the cluster CA, which
 *                         the context's trust manager checks); empty for plaintext
 */
public record MembershipConfig(String clusterName, NodeAddress self, InetAddress bindAddress, int bindPort,
                               Discovery discovery, FailureDetection failureDetection, Duration joinTimeout,
                               int protocolVersion, Optional<SSLContext> tls) {
    /** Default group name. */
    public static final String DEFAULT_CLUSTER_NAME = "sheepdog";
    /**
     * The default membership port is the sheep port plus this (7000 -> 8000). The failure detector listens a further
     * {@link #FD_PORT_OFFSET} above (8100), so up to 100 daemons on one host get distinct ports.
     */
    public static final int PORT_OFFSET = 1000;
    /** Offset of the failure-detection socket above {@link #bindPort}. */
    public static final int FD_PORT_OFFSET = 100;
    /** Default join timeout. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(2);

    public MembershipConfig {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(failureDetection, "failureDetection");
        Objects.requireNonNull(joinTimeout, "joinTimeout");
        Objects.requireNonNull(tls, "tls");
        if (tls.isPresent() && !(discovery instanceof TcpJoin)) {
            throw new IllegalArgumentException("TLS needs TCP discovery (--join): multicast is not encrypted");
        }
        if (clusterName.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank");
        }
        if (bindPort < 1 || bindPort + FD_PORT_OFFSET > 65535) {
            throw new IllegalArgumentException("membership port must be in 1.." + (65535 - FD_PORT_OFFSET)
                    + ": " + bindPort);
        }
        if (joinTimeout.isNegative() || joinTimeout.isZero()) {
            throw new IllegalArgumentException("join timeout must be positive: " + joinTimeout);
        }
    }

    /**
     * The defaults for a node: binds to the node's own sheep address, on its sheep port + {@link #PORT_OFFSET}.
     *
     * @throws IllegalArgumentException if {@code self.host()} is not a numeric address
     */
    public static MembershipConfig of(NodeAddress self, Discovery discovery) {
        return new MembershipConfig(DEFAULT_CLUSTER_NAME, self, numeric(self.host()), self.port() + PORT_OFFSET,
                discovery, FailureDetection.DEFAULTS, DEFAULT_JOIN_TIMEOUT, Admission.PROTOCOL_VERSION,
                Optional.empty());
    }

    public MembershipConfig withClusterName(String name) {
        return new MembershipConfig(name, self, bindAddress, bindPort, discovery, failureDetection, joinTimeout,
                protocolVersion, tls);
    }

    public MembershipConfig withBind(InetAddress address, int port) {
        return new MembershipConfig(clusterName, self, address, port, discovery, failureDetection, joinTimeout,
                protocolVersion, tls);
    }

    public MembershipConfig withFailureDetection(FailureDetection fd) {
        return new MembershipConfig(clusterName, self, bindAddress, bindPort, discovery, fd, joinTimeout,
                protocolVersion, tls);
    }

    public MembershipConfig withJoinTimeout(Duration timeout) {
        return new MembershipConfig(clusterName, self, bindAddress, bindPort, discovery, failureDetection, timeout,
                protocolVersion, tls);
    }

    public MembershipConfig withProtocolVersion(int version) {
        return new MembershipConfig(clusterName, self, bindAddress, bindPort, discovery, failureDetection,
                joinTimeout, version, tls);
    }

    public MembershipConfig withTls(Optional<SSLContext> context) {
        return new MembershipConfig(clusterName, self, bindAddress, bindPort, discovery, failureDetection,
                joinTimeout, protocolVersion, context);
    }

    /** One line for the daemon's start-up log: the effective configuration. */
    public String describe() {
        return String.format("cluster '%s', advertise %s, bind %s:%d, %s, %s, join timeout %d ms, protocol v%d, %s",
                clusterName, self.hostPort(), bindAddress.getHostAddress(), bindPort, discovery, failureDetection,
                joinTimeout.toMillis(), protocolVersion, tls.isPresent() ? "TLS" : "plaintext");
    }

    static InetAddress numeric(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + host, e);
        }
    }

    /** How a starting node finds the others. */
    public sealed interface Discovery permits TcpJoin, Multicast {
    }

    /**
     * TCP with a list of initial hosts (JGroups TCPPING), for routed networks ({@code sheep --join h:p,h:p}). The
     * list names membership ports; it may include this node itself, and need not name every member.
     *
     * @param initialHosts membership addresses of some existing or starting members
     */
    public record TcpJoin(List<InetSocketAddress> initialHosts) implements Discovery {
        public TcpJoin {
            initialHosts = List.copyOf(initialHosts);
        }

        /**
         * Parses {@code host:port,host:port} ({@code [v6]:port} for IPv6). Hosts should be numeric; names are
         * resolved once, here.
         */
        public static TcpJoin parse(String list) {
            List<InetSocketAddress> hosts = new ArrayList<>();
            for (String item : list.split(",")) {
                String s = item.trim();
                if (!s.isEmpty()) {
                    hosts.add(parseHostPort(s));
                }
            }
            return new TcpJoin(hosts);
        }

        @Override
        public String toString() {
            return "TCP join " + initialHosts.stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                    .toList();
        }
    }

    /**
     * UDP multicast discovery and transport on one LAN ({@code sheep --multicast ADDR:PORT}).
     *
     * @param group the multicast group
     * @param port  the multicast port
     * @param ttl   IP time to live of multicast packets: 1 keeps them on the local link, 0 on this host (tests)
     */
    public record Multicast(InetAddress group, int port, int ttl) implements Discovery {
        public Multicast {
            Objects.requireNonNull(group, "group");
            if (!group.isMulticastAddress()) {
                throw new IllegalArgumentException("not a multicast address: " + group.getHostAddress());
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("multicast port out of range: " + port);
            }
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("multicast TTL out of range: " + ttl);
            }
        }

        /** Parses {@code ADDR:PORT}, with TTL 1. */
        public static Multicast parse(String addrPort) {
            InetSocketAddress a = parseHostPort(addrPort.trim());
            return new Multicast(a.getAddress(), a.getPort(), 1);
        }

        @Override
        public String toString() {
            return "UDP multicast " + group.getHostAddress() + ":" + port + " ttl " + ttl;
        }
    }

    static InetSocketAddress parseHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + s + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + s + "'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + s + "'");
        }
        return new InetSocketAddress(numeric(host), port);
    }
}
