package io.sheepdog.daemon.api;

/**
 * The recovery state of one node, as {@code collie node recovery} shows it.
 *
 * @param host                   the node's address
 * @param port                   its sheep port
 * @param epoch                  the epoch being (or last) recovered, 0 if none
 * @param state                  IDLE (nothing to do), PREPARING (collecting the object lists of the other nodes),
 *                               RECOVERING (copying objects), WAITING (this node is done, waiting for the others
 *                               before it removes the copies it no longer owns), or DONE
 * @param total                  objects this node must recover in the epoch
 * @param done                   objects recovered so far
 * @param failed                 objects no node could provide (requests for them fail with EIO)
 * @param bytes                  bytes copied so far
 * @param recoveredEpoch         the last epoch this node finished recovering
 * @param purged                 copies removed after the whole cluster recovered the epoch
 * @param repaired               replicas repaired since the daemon started (missing, damaged or stale copies found by
 *                               reads, writes and {@code cluster check})
 * @param throttleBytesPerSecond recovery bandwidth limit of this node, 0 for none
 * @param parallel               objects copied at once
 */
public record RecoveryInfo(String host, int port, long epoch, String state, long total, long done, long failed,
                           long bytes, long recoveredEpoch, long purged, long repaired, long throttleBytesPerSecond,
                           int parallel) {

    /** Whether the node still has objects to copy (or has not planned yet). */
    public boolean inRecovery() {
        return "PREPARING".equals(state) || "RECOVERING".equals(state);
    }

    /** Percentage of the objects recovered, 100 when there is nothing to do. */
    public double percent() {
        return total == 0 ? 100.0 : 100.0 * (done + failed) / total;
    }
}
