package io.sheepdog.daemon.testing.cluster;

import java.util.List;

/**
 * Where the nodes of a {@link ProcessCluster} live on the network when not all on the loopback address: each node's
 * own address and the command prefix that runs a program in its network (for example a network namespace of its
 * own, {@code io.sheepdog.daemon.testing.netns.TestNetwork}).
 */
public interface NodeNetwork {
    /** The address node {@code node} binds and is reached at. */
    String host(int node);

    /** The command prefix that runs a program in node {@code node}'s network, such as {@code ip netns exec NS}. */
    List<String> launcher(int node);
}
