package io.sheepdog.membership;

/**
 * A node that tried to join and was turned away, kept by every member so {@code collie node list} can show it.
 *
 * @param atMillis when it was refused
 * @param node     who it said it was ("host:port" and node id)
 * @param reason   why, in words an operator can act on
 */
public record Refusal(long atMillis, String node, String reason) {
}
