package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.jgroups.JGroupsMembership;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.ClusterNode;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.LongSupplier;
import org.jgroups.protocols.raft.ELECTION2;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.REDIRECT;
import org.jgroups.stack.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node on one JGroups channel: the membership protocols ({@link JGroupsMembership}) with jgroups-raft's
 * ELECTION2 (leader election with pre-vote), RAFT (replicated log in {@link MetadataConfig#dir()}, snapshots) and
 * REDIRECT (followers forward commands to the leader) on top. The Raft id of a node is its {@code NodeId} in hex.
 *
 * <p>Usage: {@code new JGroupsRaftNode(membershipConfig, MetadataConfig.of(storeDir.resolve("raft")))}, then
 * {@link #start()}, then {@link #membership()} and {@link #metadata()}; {@link #close()} leaves.
 */
public final class JGroupsRaftNode implements ClusterNode {
    private static final Logger LOG = LoggerFactory.getLogger(JGroupsRaftNode.class);
    /** Leader heartbeat and resend interval (jgroups-raft's default is 1000 ms). */
    static final long RESEND_INTERVAL_MS = 200;

    private final MetadataConfig metadataConfig;
    private final String raftId;
    private final RaftStateMachine stateMachine;
    private final RaftBootstrap bootstrap;
    private final JGroupsMembership membership;
    private final LongSupplier clock;
    private final ELECTION2 election = new ELECTION2();
    private final RAFT raft = new RAFT();
    private final REDIRECT redirect = new REDIRECT();
    private volatile LeaderDuties duties;
    private volatile RaftMetadataService metadata;

    public JGroupsRaftNode(MembershipConfig membershipConfig, MetadataConfig metadataConfig) {
        this(membershipConfig, metadataConfig, System::currentTimeMillis);
    }

    /** @param clock wall-clock milliseconds, for format and epoch times */
    public JGroupsRaftNode(MembershipConfig membershipConfig, MetadataConfig metadataConfig, LongSupplier clock) {
        this.metadataConfig = metadataConfig;
        this.clock = clock;
        this.raftId = membershipConfig.self().id().toString();
        String name = membershipConfig.self().hostPort();
        this.stateMachine = new RaftStateMachine(name, this::poke);
        this.bootstrap = new RaftBootstrap(metadataConfig.dir(), raftId);
        this.membership = new JGroupsMembership(membershipConfig, () -> stateMachine.state().clusterId(),
                this::raftProtocols);
    }

    private List<Protocol> raftProtocols() {
        raft.raftId(raftId).logClass(RepairedFileLog.class.getName()).logDir(metadataConfig.dir().toString())
                .logPrefix("metadata")
                .maxLogSize(metadataConfig.maxLogBytes());
        raft.logUseFsync(true);
        // Followers learn commits with the leader's next round of AppendEntries, sent when the leader has been idle
        // this long; a command submitted on a follower completes only once applied there (read-your-writes), so
        // this bounds its extra latency. (send_commits_immediately would be faster but, in 1.1.4, stalls the
        // catch-up of lagging nodes.)
        raft.resendInterval(RESEND_INTERVAL_MS);
        raft.members(bootstrap.load());
        raft.stateMachine(stateMachine);
        return List.of(election, raft, redirect);
    }

    @Override
    public synchronized void start() throws MembershipException {
        try {
            Files.createDirectories(metadataConfig.dir());
        } catch (IOException e) {
            throw new MembershipException(MembershipException.Reason.INTERNAL,
                    "cannot create metadata directory " + metadataConfig.dir(), e);
        }
        bootstrap.install(raft, election, membership);
        // The log is replayed into the state machine while the channel connects (RAFT.start).
        membership.start();
        duties = new LeaderDuties(membership.self().hostPort(), raft, membership, stateMachine, clock,
                LeaderDuties.DEFAULT_TICK);
        metadata = new RaftMetadataService(raft, redirect, stateMachine, bootstrap, membership, metadataConfig, clock);
        metadata.addListener((command, result, after) -> {
            if (command instanceof MetadataCommand.Format && result.ok()) {
                bootstrap.formatApplied();
            }
        });
        raft.addRoleListener(role -> poke());
        membership.addListener(change -> poke());
        LOG.info("metadata: {} started with metadata group {}, state version {}, epoch {}", raftId, raft.members(),
                stateMachine.state().version(), stateMachine.state().epochNumber());
    }

    private void poke() {
        LeaderDuties d = duties;
        if (d != null) {
            d.poke();
        }
    }

    @Override
    public Membership membership() {
        return membership;
    }

    @Override
    public ClusterMetadataService metadata() {
        ClusterMetadataService m = metadata;
        if (m == null) {
            throw new IllegalStateException("not started");
        }
        return m;
    }

    /** The Raft voting members (node ids in hex), for diagnostics. */
    @Override
    public List<String> metadataMembers() {
        return raft.members();
    }

    /** True if this node leads the metadata group. */
    public boolean isMetadataLeader() {
        return raft.isLeader();
    }

    @Override
    public void close() {
        LeaderDuties d = duties;
        if (d != null) {
            d.close();
        }
        RaftMetadataService m = metadata;
        if (m != null) {
            m.close();
        }
        membership.close();
        stateMachine.close();
    }
}
