/**
 * Who is in the cluster and where objects live: node ids ({@link io.sheepdog.membership.NodeId}, FNV-1a of address
 * and port), node descriptions, epochs, and the {@link io.sheepdog.membership.Membership} SPI (live members, their
 * addresses, small messages). Implementations and neighbours: {@code membership.ring} (the consistent-hash ring,
 * pure), {@code membership.meta} (the replicated cluster metadata: format, VDI table, epoch history, as a
 * deterministic state machine), {@code membership.jgroups} and {@code membership.jgroups.raft} (JGroups membership
 * and the Raft-replicated metadata; the only packages importing {@code org.jgroups}), and {@code membership.local}
 * (in-process membership and metadata for deterministic tests).
 */
package io.sheepdog.membership;
