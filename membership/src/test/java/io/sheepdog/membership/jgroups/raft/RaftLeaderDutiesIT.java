package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.meta.LeaderDutiesContract;
import io.sheepdog.membership.meta.MetadataConfig;
import io.sheepdog.membership.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/** The leader's duties on jgroups-raft: three real nodes on loopback, each with its Raft log in a temp dir. */
@Tag("slow")
class RaftLeaderDutiesIT extends LeaderDutiesContract<JGroupsRaftNode> {
    private final List<MembershipConfig> configs = TestCluster.tcp("duties", 3);

    @TempDir
    Path tmp;

    RaftLeaderDutiesIT() {
        super(Duration.ofSeconds(20));
    }

    @Override
    protected JGroupsRaftNode start(int i) throws Exception {
        JGroupsRaftNode n = new JGroupsRaftNode(configs.get(i),
                MetadataConfig.of(tmp.resolve("node" + i)).withCommandTimeout(Duration.ofSeconds(5)));
        n.start();
        return n;
    }
}
