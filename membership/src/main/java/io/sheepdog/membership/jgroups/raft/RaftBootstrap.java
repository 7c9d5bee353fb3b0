package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.election.BaseElection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Raft group when a never-formatted cluster is formatted, and remembers its first configuration.
 *
 * <p>Raft needs every founding member to start from the same member list. Before the first format there is no
 * group: every node is a learner with an empty list. {@code format} on any node asks the JGroups coordinator
 * (a broadcast only the coordinator acts on); the coordinator, if no member belongs to a cluster yet, broadcasts the
 * list of all live members' node ids. Every node named in it persists the list ({@value #FILE}, fsynced) and takes
 * it as its initial configuration; the coordinator then starts the election. Messages from one sender arrive in
 * order, so a second request is ignored everywhere once the first list was taken. Later configuration changes
 * (nodes joining) go through the Raft log; the file only replays the start, as a static Raft configuration would.
 */
final class RaftBootstrap {
    static final String REQUEST_TOPIC = "sd.raft.bootstrap-request";
    static final String BOOTSTRAP_TOPIC = "sd.raft.bootstrap";
    static final String FILE = "bootstrap-members";
    private static final Logger LOG = LoggerFactory.getLogger(RaftBootstrap.class);

    private final Path dir;
    private final String selfId;
    private RAFT raft;
    private BaseElection election;
    private Membership membership;

    RaftBootstrap(Path dir, String selfId) {
        this.dir = dir;
        this.selfId = selfId;
    }

    /** The persisted initial configuration, empty if this node never belonged to a Raft group. */
    List<String> load() {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8).stream().map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Wires the protocols and registers the message handlers (before the membership starts). */
    void install(RAFT raftProtocol, BaseElection electionProtocol, Membership m) {
        this.raft = raftProtocol;
        this.election = electionProtocol;
        this.membership = m;
        m.onMessage(REQUEST_TOPIC, (from, payload) -> onRequest(from));
        m.onMessage(BOOTSTRAP_TOPIC, (from, payload) -> onBootstrap(from, payload));
    }

    /** Asks the coordinator to found the group (or, once founded, the founding members to repeat the list). */
    void request() throws MembershipException {
        membership.broadcast(REQUEST_TOPIC, new byte[0]);
    }

    /**
     * Called when this node applies a format: if it never received the founding member list (so it cannot vote,
     * and after a restart could not rejoin the group), it asks for it again.
     */
    void formatApplied() {
        if (raft.members().isEmpty()) {
            LOG.info("metadata: the cluster was formatted but this node missed the founding member list; asking again");
            try {
                request();
            } catch (MembershipException e) {
                LOG.warn("metadata: cannot ask for the founding member list: {}", e.getMessage());
            }
        }
    }

    private void onRequest(MemberInfo from) {
        if (!raft.members().isEmpty()) {
            // The group exists: a founding member that missed the founding broadcast (it can arrive before the
            // receiver's view holds the sender, and is then dropped) asks again once it sees the format applied.
            // Every node that knows the founding list repeats it; receiving it twice is harmless.
            List<String> founding = load();
            if (!founding.isEmpty()) {
                try {
                    membership.broadcast(BOOTSTRAP_TOPIC, String.join("\n", founding).getBytes(StandardCharsets.UTF_8));
                } catch (MembershipException e) {
                    LOG.warn("metadata: cannot repeat the founding member list: {}", e.getMessage());
                }
            }
            return;
        }
        if (!membership.isCoordinator()) {
            return;
        }
        List<MemberInfo> members = membership.members();
        for (MemberInfo m : members) {
            if (!m.clusterId().isEmpty()) {
                // A formatted node is here: its group will come up (or is waiting for its majority); never found a
                // second group next to it.
                LOG.warn("metadata: not founding a new metadata group for {}: member {} belongs to cluster {}",
                        from.address().hostPort(), m.address().hostPort(), m.clusterId());
                return;
            }
        }
        String list = String.join("\n", members.stream().map(m -> m.id().toString()).toList());
        LOG.info("metadata: founding the metadata group with {}", list.replace('\n', ' '));
        try {
            membership.broadcast(BOOTSTRAP_TOPIC, list.getBytes(StandardCharsets.UTF_8));
        } catch (MembershipException e) {
            LOG.warn("metadata: cannot send the founding member list: {}", e.getMessage());
        }
    }

    private void onBootstrap(MemberInfo from, byte[] payload) {
        List<String> ids = Arrays.stream(new String(payload, StandardCharsets.UTF_8).split("\n"))
                .filter(s -> !s.isEmpty()).toList();
        if (!raft.members().isEmpty() || !ids.contains(selfId)) {
            return;
        }
        try {
            persist(ids);
        } catch (IOException e) {
            LOG.error("metadata: cannot persist the founding member list; not joining the group", e);
            return;
        }
        raft.members(ids);
        LOG.info("metadata: joined the founding metadata group {} (from {})", ids, from.address().hostPort());
        if (membership.isCoordinator()) {
            election.runVotingThread();
        }
    }

    private void persist(List<String> ids) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.write(tmp, (String.join("\n", ids) + "\n").getBytes(StandardCharsets.UTF_8));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
