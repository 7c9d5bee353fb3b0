package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ObjectCheck.Finding;
import io.sheepdog.daemon.api.ObjectCheck.Outcome;
import io.sheepdog.daemon.api.ObjectCheck.Problem;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.ReplicaDigest;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check of one object's replicas (PEER_CHECK_OBJ on each, see {@code docs/architecture.md}, Recovery, Check):
 * every replica of the epoch reports its version and content digest, verified against its checksums where it lies.
 *
 * <ul>
 * <li>The good copy is the newest version. Among replicas of that version with different digests (silent
 *     divergence), the digest most of them hold wins; on a tie, the one the replica first in placement order holds
 *     (the primary, which reads prefer). Divergence is logged as an error.</li>
 * <li>A replica whose content equals the good copy's is consistent, whatever its version: versions count the writes
 *     each replica applied, so a write retried after an epoch change leaves some replicas a step ahead with the
 *     same data.</li>
 * <li>Each replica that is missing, damaged, older or divergent is repaired from a good one through the gateway's
 *     repair path (logged, counted in {@code sheep.repair.objects}).</li>
 * <li>An unreachable replica, or one answering another error, is reported, not repaired.</li>
 * <li>A replica of another epoch fails the whole check with the mismatch, which {@link io.sheepdog.daemon.peer.EpochRetry} retries.</li>
 * </ul>
 */
final class ReplicaCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaCheck.class);

    /** Asks one replica for its digest. */
    @FunctionalInterface
    interface Probe {
        CompletableFuture<ReplicaDigest> check(NodeAddress node);
    }

    /** Copies the object whole from {@code good} to {@code bad}. */
    @FunctionalInterface
    interface Repair {
        CompletableFuture<Void> repair(NodeAddress good, NodeAddress bad, String why);
    }

    private ReplicaCheck() {
    }

    /** Checks {@code oid} on {@code nodes} (placement order) and repairs what it can. */
    static CompletableFuture<ObjectCheck> run(long oid, List<NodeAddress> nodes, Probe probe, Repair repair) {
        List<CompletableFuture<ReplicaDigest>> probes = new ArrayList<>(nodes.size());
        for (NodeAddress n : nodes) {
            probes.add(probe.check(n));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).handle((v, ignored) -> probes)
                .thenCompose(done -> {
                    List<Answer> answers = new ArrayList<>(nodes.size());
                    for (int i = 0; i < nodes.size(); i++) {
                        Answer a = Answer.of(nodes.get(i), done.get(i));
                        if (a.failure != null && ReplicatingObjectGateway.isEpochMismatch(a.failure)) {
                            return CompletableFuture.failedFuture(a.failure);
                        }
                        answers.add(a);
                    }
                    return repairAll(oid, answers, repair);
                });
    }

    private static CompletableFuture<ObjectCheck> repairAll(long oid, List<Answer> answers, Repair repair) {
        Verdict v = decide(oid, answers);
        List<CompletableFuture<Finding>> findings = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Problem p = v.problems.get(i);
            if (p == null) {
                continue;
            }
            Answer a = answers.get(i);
            String detail = v.details.get(i);
            if (v.source == null || !p.repairable()) {
                findings.add(CompletableFuture.completedFuture(new Finding(a.node.hostPort(), p, false, detail)));
                continue;
            }
            findings.add(repair.repair(v.source, a.node, p.name().toLowerCase() + " (" + detail + ")").handle(
                    (x, t) -> t == null ? new Finding(a.node.hostPort(), p, true, detail)
                            : new Finding(a.node.hostPort(), p, false, detail + "; repair failed: "
                                    + SheepException.unwrap(t).getMessage())));
        }
        return CompletableFuture.allOf(findings.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<Finding> list = findings.stream().map(CompletableFuture::join).toList();
            String version = v.good == null ? "" : v.good.version().toString();
            return new ObjectCheck(oid, outcome(v, list), answers.size(), version, list);
        });
    }

    private static Outcome outcome(Verdict v, List<Finding> findings) {
        boolean unchecked = findings.stream().anyMatch(f -> !f.problem().repairable() || !f.repaired());
        if (v.good == null) {
            if (findings.stream().anyMatch(f -> !f.problem().repairable())) {
                return Outcome.INCOMPLETE; // an unreachable replica may hold the object
            }
            return findings.stream().allMatch(f -> f.problem() == Problem.MISSING) ? Outcome.ABSENT
                    : Outcome.UNRECOVERABLE;
        }
        if (findings.isEmpty()) {
            return Outcome.OK;
        }
        return unchecked ? Outcome.INCOMPLETE : Outcome.REPAIRED;
    }

    /** Which replica holds the good copy, and what is wrong with each other one (null: nothing). */
    static Verdict decide(long oid, List<Answer> answers) {
        ObjectVersion newest = null;
        for (Answer a : answers) {
            if (a.digest != null && (newest == null || a.digest.version().compareTo(newest) > 0)) {
                newest = a.digest.version();
            }
        }
        // Among the newest, the content most replicas hold; ties go to the first in placement order.
        Map<Object, List<Answer>> byContent = new LinkedHashMap<>();
        for (Answer a : answers) {
            if (a.digest != null && a.digest.version().equals(newest)) {
                byContent.computeIfAbsent(a.digest.digest(), k -> new ArrayList<>()).add(a);
            }
        }
        List<Answer> winners = null;
        for (List<Answer> group : byContent.values()) {
            if (winners == null || group.size() > winners.size()) {
                winners = group;
            }
        }
        ReplicaDigest good = winners == null ? null : winners.get(0).digest;
        if (byContent.size() > 1) {
            LOG.error("object {}: replicas of version {} DIVERGE silently ({} different contents): keeping the one "
                    + "held by {} of {} ({}), repairing the others", ObjectId.toString(oid), newest, byContent.size(),
                    winners.size(), answers.size(), winners.get(0).node.hostPort());
        }
        List<Problem> problems = new ArrayList<>(answers.size());
        List<String> details = new ArrayList<>(answers.size());
        for (Answer a : answers) {
            if (a.failure != null) {
                problems.add(problemOf(a.failure));
                details.add(a.failure.getMessage());
            } else if (a.digest.sameContent(good)) {
                // Same content under an older version is consistent: the sequence number counts the writes each
                // replica applied, and a write retried across an epoch change is applied twice on some replicas.
                problems.add(null);
                details.add(null);
            } else if (a.digest.version().compareTo(good.version()) < 0) {
                problems.add(Problem.STALE);
                details.add("version " + a.digest.version() + ", good copy " + good.version());
            } else if (!a.digest.sameContent(good)) {
                problems.add(Problem.DIVERGENT);
                details.add("version " + a.digest.version() + " digest " + a.digest + ", good copy " + good);
            } else {
                problems.add(null);
                details.add(null);
            }
        }
        return new Verdict(good, winners == null ? null : winners.get(0).node, problems, details);
    }

    private static Problem problemOf(SheepException e) {
        if (e.result() == ResultCode.NO_OBJ) {
            return Problem.MISSING;
        }
        if (e.result() == ResultCode.CHECKSUM) {
            return Problem.DAMAGED;
        }
        if (e.result() == ResultCode.NETWORK_ERROR || e.result() == ResultCode.SHUTDOWN) {
            return Problem.UNREACHABLE;
        }
        return Problem.FAILED;
    }

    /** One replica's answer: its digest, or why it gave none. */
    record Answer(NodeAddress node, ReplicaDigest digest, SheepException failure) {
        static Answer of(NodeAddress node, CompletableFuture<ReplicaDigest> probe) {
            if (!probe.isCompletedExceptionally()) {
                return new Answer(node, probe.join(), null);
            }
            Throwable t = SheepException.unwrap(probe.handle((x, e) -> e).join());
            SheepException e = t instanceof SheepException se ? se
                    : new SheepException(ResultCode.UNKNOWN, node.hostPort() + ": " + t, t);
            return new Answer(node, null, e);
        }
    }

    /**
     * @param good     the good copy's digest, null if no replica holds one
     * @param source   a node holding it, null if none
     * @param problems per answer, what is wrong (null: a good copy)
     * @param details  per answer, what was seen
     */
    record Verdict(ReplicaDigest good, NodeAddress source, List<Problem> problems, List<String> details) {
    }
}
