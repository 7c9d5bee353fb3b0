package io.sheepdog.daemon.api;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of checking the replicas of one object ({@code collie vdi check}, {@code collie cluster check}): every
 * replica of the current epoch is asked for its version and a digest of its content; the newest version is the good
 * copy (among equal versions with different content, the content most replicas hold), and every other replica is
 * repaired from it.
 *
 * @param oid      the object id
 * @param outcome  what the check concluded
 * @param replicas how many replicas the current epoch places
 * @param version  the good copy's version ("epoch.sequence"), empty if there is none
 * @param findings one entry per replica that was not a good copy, in placement order (primary first)
 */
public record ObjectCheck(long oid, Outcome outcome, int replicas, String version, List<Finding> findings) {

    public ObjectCheck {
        Objects.requireNonNull(outcome, "outcome");
        findings = List.copyOf(findings);
    }

    /** What a check concluded about one object. */
    public enum Outcome {
        /** Every replica holds the good copy. */
        OK,
        /** Every replica that was not a good copy was repaired from one that was. */
        REPAIRED,
        /**
         * A replica could not be checked (unreachable) or its repair failed; the others are good or repaired. Check
         * again once the node is back.
         */
        INCOMPLETE,
        /** No replica holds a good copy: every one is damaged or missing, though the VDI's inode allocated it. */
        UNRECOVERABLE,
        /** No replica holds the object, and nothing says it should exist (unallocated, or its VDI is deleted). */
        ABSENT
    }

    /** Why a replica was not a good copy. */
    public enum Problem {
        /** The node holds no replica (lost). */
        MISSING,
        /** A block failed its checksum (or the replica's data is gone while its record remains). */
        DAMAGED,
        /** An older version than the good copy. */
        STALE,
        /** The good copy's version with different content (silent divergence). */
        DIVERGENT,
        /** The node did not answer. Not repaired. */
        UNREACHABLE,
        /** The node answered with another error (named in the detail). Not repaired. */
        FAILED;

        /** Whether a replica with this problem is repaired from a good copy. */
        public boolean repairable() {
            return this != UNREACHABLE && this != FAILED;
        }
    }

    /**
     * One replica that was not a good copy.
     *
     * @param node     the node holding it, "host:port"
     * @param problem  what was wrong
     * @param repaired whether it was repaired from a good copy
     * @param detail   the node's error message, the versions compared, or why the repair failed
     */
    public record Finding(String node, Problem problem, boolean repaired, String detail) {
    }

    /** The replicas repaired by this check. */
    public long repairedCount() {
        return findings.stream().filter(Finding::repaired).count();
    }

    /** This result with another outcome (a caller that knows more, such as whether the object should exist). */
    public ObjectCheck withOutcome(Outcome o) {
        return new ObjectCheck(oid, o, replicas, version, findings);
    }
}
