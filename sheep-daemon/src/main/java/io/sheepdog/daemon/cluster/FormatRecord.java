package io.sheepdog.daemon.cluster;

/**
 * What {@code collie cluster format} decided, persisted with every node's store. A store holding another cluster's
 * format record is refused by that cluster.
 *
 * @param clusterId     random id chosen at format
 * @param copies        default copies of new VDIs
 * @param strict        refuse writes when fewer zones than copies are up
 * @param createdMillis format time
 */
public record FormatRecord(String clusterId, int copies, boolean strict, long createdMillis) {
}
