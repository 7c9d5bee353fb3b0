/**
 * In-process implementations for deterministic tests: {@link io.sheepdog.membership.local.LocalNetwork} (a shared
 * in-memory network where tests join, leave and partition nodes), {@link io.sheepdog.membership.local.LocalMembership}
 * and {@link io.sheepdog.membership.local.LocalMetadataService}, with the same contracts as the JGroups and Raft
 * implementations, and {@link io.sheepdog.membership.local.LocalClusterNode} composing them.
 */
package io.sheepdog.membership.local;
