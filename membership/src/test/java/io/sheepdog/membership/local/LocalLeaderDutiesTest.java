package io.sheepdog.membership.local;

import io.sheepdog.membership.meta.LeaderDutiesContract;
import io.sheepdog.membership.testing.TestCluster;
import java.time.Duration;

/** The leader's duties on the in-process engine. */
class LocalLeaderDutiesTest extends LeaderDutiesContract<LocalClusterNode> {
    private final LocalNetwork net = new LocalNetwork();

    LocalLeaderDutiesTest() {
        super(Duration.ofSeconds(5));
    }

    @Override
    protected LocalClusterNode start(int i) throws Exception {
        LocalClusterNode n = new LocalClusterNode(net, TestCluster.node(7000 + i, i, 64));
        n.start();
        return n;
    }
}
