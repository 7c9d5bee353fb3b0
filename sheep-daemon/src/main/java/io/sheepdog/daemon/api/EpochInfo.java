package io.sheepdog.daemon.api;

import java.util.List;

/**
 * One entry of the epoch history: the members of the cluster from that epoch on.
 *
 * @param epoch       the epoch number, from 1
 * @param startMillis when the epoch began
 * @param nodes       the members, as "host:port"
 */
public record EpochInfo(long epoch, long startMillis, List<String> nodes) {
}
