/**
 * Replica placement: a consistent-hash ring of virtual nodes. Pure code, no I/O: every node computes the same
 * placement from the same {@link io.sheepdog.membership.ClusterView}.
 */
package io.sheepdog.membership.ring;
