package io.sheepdog.daemon.api;

import java.util.List;

/**
 * What {@code collie cluster info} shows.
 *
 * @param status        "running", "waiting for format", "waiting for nodes", "shutting down"
 * @param formatted     whether the cluster was formatted
 * @param createdMillis format time, 0 if not formatted
 * @param copies        default number of copies of the cluster
 * @param strict        whether writes are refused when fewer zones than copies are up
 * @param epochs        epoch history, newest first
 * @param notes         remarks for the operator (for example fewer zones than copies); may be empty
 */
public record ClusterInfo(String status, boolean formatted, long createdMillis, int copies, boolean strict,
                          List<EpochInfo> epochs, List<String> notes) {
}
