package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.SheepException;

/**
 * Stops and restarts the writes to a VDI on the other nodes of the cluster, for a crash-consistent snapshot: a
 * snapshot freezes the VDI everywhere (each node answers once its writes in flight are done), copies the map,
 * commits, and every node lets the held writes in when it applies the commit (they then go to the new working VDI).
 * The daemon's is {@code cluster.PeerSnapshotFreezer}; this node's own writes {@link VdiService} freezes itself.
 */
public interface SnapshotFreezer {

    /** A cluster of one node: there is nobody else to freeze. */
    SnapshotFreezer NO_PEERS = new SnapshotFreezer() {
        @Override
        public void freezeOthers(int vid) {
        }

        @Override
        public void thawOthers(int vid) {
        }
    };

    /**
     * Freezes {@code vid} on every other live node and returns once all of them stopped writing to it.
     *
     * @throws SheepException naming the node that did not answer (the caller thaws and fails the snapshot)
     */
    void freezeOthers(int vid) throws SheepException;

    /** Lets every other node write to {@code vid} again (a snapshot that failed before its commit); best effort. */
    void thawOthers(int vid);
}
