package io.sheepdog.daemon.testing.netns;

import io.sheepdog.daemon.testing.cluster.NodeNetwork;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private network of one test: host {@code i} is a network namespace of its own with an {@code eth0} at
 * {@code 198.18.S.(i+1)/24} (RFC 2544's benchmark range: never routed anywhere), joined by a veth pair to a bridge
 * in a hub namespace. The hub has no address and forwards nothing but the bridge's frames, and is linked to the
 * root namespace by an uplink at {@code 198.18.S.254}, so the test JVM reaches every host that is not cut off. The
 * subnet S is one no other interface of the root namespace uses.
 *
 * <pre>
 *   root ns (test JVM) ── uplink ── hub ns: br0 ─┬─ h0 ══ eth0 (host 0 ns, 198.18.S.1)
 *                                               ├─ h1 ══ eth0 (host 1 ns, 198.18.S.2)
 *                                               └─ h2 ══ eth0 (host 2 ns, 198.18.S.3)
 * </pre>
 *
 * <p>{@link #cut} takes a host's veth off the bridge: every packet to or from it is dropped in both directions, while
 * its link stays up and its sockets stay open (nothing is reset), as when a switch port or a cable between racks
 * fails. {@link #heal} puts it back. A cut host is unreachable from the test JVM too; run clients inside its
 * namespace ({@link #launcher}).
 *
 * <p>{@link #create} first removes what earlier test JVMs left ({@link NetNs#removeLeftovers()}); {@link #close()}
 * removes every namespace and link of this network, also after a failed test. Needs root: check
 * {@link NetNs#unavailableReason()} first.
 */
public final class TestNetwork implements NodeNetwork, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TestNetwork.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Pattern SUBNET_IN_USE = Pattern.compile("inet 198\\.18\\.(\\d+)\\.");
    private static final String BRIDGE = "br0";

    private final String tag;
    private final String hub;
    private final String uplink;
    private final String subnet;
    private final List<String> namespaces = new ArrayList<>();
    private final Set<Integer> cut = new HashSet<>();
    private boolean closed;

    private TestNetwork(String tag, String subnet) {
        this.tag = tag;
        this.hub = tag + "-hub";
        this.uplink = tag + "u";
        this.subnet = subnet;
    }

    /** A network of {@code hosts} namespaces, all connected. */
    public static TestNetwork create(int hosts) {
        if (hosts < 1 || hosts > 250) {
            throw new IllegalArgumentException("hosts must be in 1..250: " + hosts);
        }
        NetNs.unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        NetNs.removeLeftovers();
        String tag = NetNs.PREFIX + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        TestNetwork net = new TestNetwork(tag, "198.18." + freeSubnet() + ".");
        try {
            net.createHub();
            for (int i = 0; i < hosts; i++) {
                net.addHost(i);
            }
            LOG.info("test network {}: {} hosts on {}0/24, uplink {}254", tag, hosts, net.subnet, net.subnet);
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private static int freeSubnet() {
        Set<Integer> used = new HashSet<>();
        Matcher m = SUBNET_IN_USE.matcher(NetNs.ip("-o", "-4", "addr", "show"));
        while (m.find()) {
            used.add(Integer.parseInt(m.group(1)));
        }
        for (int attempt = 0; attempt < 1000; attempt++) {
            int s = ThreadLocalRandom.current().nextInt(256);
            if (!used.contains(s)) {
                return s;
            }
        }
        throw new IllegalStateException("no free subnet in 198.18.0.0/16: " + used);
    }

    private void createHub() {
        NetNs.ip("netns", "add", hub);
        NetNs.ip("-n", hub, "link", "add", "name", BRIDGE, "type", "bridge", "forward_delay", "0", "stp_state", "0");
        NetNs.ip("-n", hub, "link", "set", BRIDGE, "up");
        NetNs.ip("link", "add", "name", uplink, "type", "veth", "peer", "name", "up0", "netns", hub);
        NetNs.ip("-n", hub, "link", "set", "up0", "master", BRIDGE, "up");
        NetNs.ip("addr", "add", subnet + "254/24", "dev", uplink);
        NetNs.ip("link", "set", uplink, "up");
    }

    private void addHost(int i) {
        String ns = tag + "-n" + i;
        NetNs.ip("netns", "add", ns);
        namespaces.add(ns);
        NetNs.ip("-n", ns, "link", "set", "lo", "up");
        NetNs.ip("link", "add", "name", port(i), "netns", hub, "type", "veth", "peer", "name", "eth0", "netns", ns);
        NetNs.ip("-n", ns, "addr", "add", host(i) + "/24", "dev", "eth0");
        NetNs.ip("-n", ns, "link", "set", "eth0", "up");
        NetNs.ip("-n", hub, "link", "set", port(i), "master", BRIDGE, "up");
    }

    /** The hub's end of host {@code i}'s veth pair. */
    private static String port(int i) {
        return "h" + i;
    }

    /** Number of hosts. */
    public int size() {
        return namespaces.size();
    }

    @Override
    public String host(int i) {
        checkHost(i);
        return subnet + (i + 1);
    }

    /** The name of host {@code i}'s namespace. */
    public String namespace(int i) {
        checkHost(i);
        return namespaces.get(i);
    }

    /** {@code ip netns exec NS}: runs the command that follows inside host {@code i}'s namespace. */
    @Override
    public List<String> launcher(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** {@code command} run inside host {@code i}'s namespace. */
    public List<String> inHost(int i, List<String> command) {
        List<String> cmd = new ArrayList<>(launcher(i));
        cmd.addAll(command);
        return cmd;
    }

    /** Cuts host {@code i} off from every other host and from the test JVM (both directions, nothing reset). */
    public synchronized void cut(int i) {
        checkHost(i);
        NetNs.ip("-n", hub, "link", "set", port(i), "nomaster");
        cut.add(i);
        LOG.info("test network {}: host {} ({}) cut off", tag, i, host(i));
    }

    /** Connects host {@code i} again. */
    public synchronized void heal(int i) {
        checkHost(i);
        NetNs.ip("-n", hub, "link", "set", port(i), "master", BRIDGE);
        cut.remove(i);
        LOG.info("test network {}: host {} ({}) connected again", tag, i, host(i));
    }

    public synchronized boolean isCut(int i) {
        return cut.contains(i);
    }

    private void checkHost(int i) {
        if (i < 0 || i >= namespaces.size()) {
            throw new IndexOutOfBoundsException("no host " + i + " in a network of " + namespaces.size());
        }
    }

    /** Removes every namespace and link of this network. Stop the processes running in it first. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String ns : namespaces) {
            NetNs.ipQuietly("netns", "del", ns);
        }
        // Deleting the hub deletes its ends of the veth pairs, and with them the uplink's root end.
        NetNs.ipQuietly("netns", "del", hub);
        NetNs.ipQuietly("link", "del", uplink);
    }

    @Override
    public String toString() {
        return "test network " + tag + " (" + subnet + "0/24)";
    }
}
