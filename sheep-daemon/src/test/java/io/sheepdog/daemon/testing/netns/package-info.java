/**
 * Network namespaces for fault tests: {@link io.sheepdog.daemon.testing.netns.TestNetwork} gives each node of a test
 * cluster a namespace of its own, joined by veth pairs to a bridge in a hub namespace, and cuts a node off (both
 * directions dropped, no socket reset) and heals it. The test JVM reaches the nodes through an uplink into the
 * hub; client tools run inside a chosen namespace ({@code ip netns exec}). Needs root and iproute2;
 * {@link io.sheepdog.daemon.testing.netns.NetNs#unavailableReason()} tells a test why it must be skipped otherwise.
 */
package io.sheepdog.daemon.testing.netns;
