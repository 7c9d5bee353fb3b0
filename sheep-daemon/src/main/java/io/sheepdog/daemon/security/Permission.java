package io.sheepdog.daemon.security;

/** What a sheep-protocol operation needs from the identity that asks for it ({@link OpcodeAccess}). */
public enum Permission {
    /** Cluster state only: cluster info, node list (what every identity may see). */
    STATUS,
    /** Look: cluster and node state, VDI lists, reads of VDI data. */
    READ,
    /** Change VDI data and create VDIs, snapshots and clones. */
    WRITE,
    /** Destroy or take over: format, shutdown, recover force, delete, lock break, recovery throttle. */
    ADMIN,
    /** The node-to-node operations (0x80 and up): object replicas, recovery, freeze. */
    PEER
}
