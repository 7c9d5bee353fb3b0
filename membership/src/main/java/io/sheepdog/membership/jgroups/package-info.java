/**
 * {@link io.sheepdog.membership.Membership} on JGroups: the protocol stack built in code
 * ({@code JGroupsStack}: TCP + TCPPING or UDP + PING, MERGE3, FD_SOCK2, FD_ALL3, VERIFY_SUSPECT2, NAKACK2,
 * UNICAST3, STABLE, the admission check, GMS, MFC, UFC, FRAG4), every member's
 * {@link io.sheepdog.membership.MemberInfo} carried in its JGroups address ({@link
 * io.sheepdog.membership.jgroups.MemberCodec}), and the refusal of nodes of another cluster or protocol version
 * ({@link io.sheepdog.membership.jgroups.AdmissionAuth}). With {@code membership.jgroups.raft} the only packages
 * that import {@code org.jgroups}.
 */
package io.sheepdog.membership.jgroups;
