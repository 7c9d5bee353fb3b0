/**
 * The replicated cluster metadata on jgroups-raft, sharing the membership's JGroups channel
 * ({@link io.sheepdog.membership.jgroups.raft.JGroupsRaftNode}).
 *
 * <ul>
 *   <li><b>Engine.</b> RAFT with a file-based log and snapshots in the metadata directory, ELECTION2 (pre-vote),
 *       REDIRECT so any node can submit. Commands commit on a majority of the voting members; a minority has no
 *       leader and fails fast with {@code NO_MAJORITY}.</li>
 *   <li><b>Founding.</b> The first {@code format} founds the group with every live member
 *       ({@code RaftBootstrap}); the founding list is persisted like a static Raft configuration.</li>
 *   <li><b>Growth.</b> Nodes that join later are learners (they receive the log) until the leader adds them as
 *       voters, one at a time ({@code LeaderDuties} carries out {@link io.sheepdog.membership.meta.LeaderDecider}).
 *       Members are never removed automatically: a node that is down keeps its vote, so the cluster never shrinks
 *       its quorum behind the operator's back; {@code removeMember} is for nodes gone for good.</li>
 *   <li><b>Epochs.</b> The leader proposes them from membership changes with
 *       {@link io.sheepdog.membership.meta.EpochDecider}, through the same
 *       {@link io.sheepdog.membership.meta.LeaderDecider}.</li>
 * </ul>
 */
package io.sheepdog.membership.jgroups.raft;
