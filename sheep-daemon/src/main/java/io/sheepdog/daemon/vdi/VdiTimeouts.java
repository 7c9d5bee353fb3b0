package io.sheepdog.daemon.vdi;

import static io.sheepdog.daemon.api.Durations.positive;

import java.time.Duration;

/**
 * How long {@link VdiService} waits for the steps of a request before it answers with what it has or fails. The
 * daemon's values, and why, are in {@code SheepTimings} and docs/architecture.md ("Timeouts and periods").
 *
 * @param adminStep   one object step of an administrative call (writing an inode, removing a deleted VDI's object,
 *                    checking an object); past it the call fails EIO
 * @param inodeLoad   loading an inode for an NBD open or a listing; past it the open fails (NO_VDI to the client) or
 *                    the listing shows the VDI's usage as 0
 * @param readBarrier the read barrier before a lookup; past it this node's own metadata answers
 * @param metadata    a replicated metadata command (create, delete, format, shutdown); past it the call fails HALT.
 *                    Longer than the metadata service's own command timeout, which answers first.
 * @param freeze      every node stopping writes to a VDI for its snapshot; past it the snapshot fails. A node
 *                    holding writes back lets them in again after three times this if the snapshot never comes.
 */
public record VdiTimeouts(Duration adminStep, Duration inodeLoad, Duration readBarrier, Duration metadata,
                          Duration freeze) {

    public VdiTimeouts {
        positive("adminStep", adminStep);
        positive("inodeLoad", inodeLoad);
        positive("readBarrier", readBarrier);
        positive("metadata", metadata);
        positive("freeze", freeze);
    }
}
