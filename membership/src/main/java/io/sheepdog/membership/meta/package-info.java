/**
 * The replicated cluster metadata: what must never diverge between nodes. The format record
 * ({@link io.sheepdog.membership.meta.ClusterFormat}), the VDI table ({@link io.sheepdog.membership.meta.VdiEntry})
 * and the epoch history ({@link io.sheepdog.membership.Epoch}) form a deterministic state machine
 * ({@link io.sheepdog.membership.meta.ClusterMetadata}) changed only by
 * {@link io.sheepdog.membership.meta.MetadataCommand}s, which a consensus engine orders and replicates
 * ({@link io.sheepdog.membership.meta.ClusterMetadataService}). {@link io.sheepdog.membership.meta.EpochDecider}
 * holds the rule that turns membership changes into epochs, {@link io.sheepdog.membership.meta.LeaderDecider} what
 * the metadata leader does about them (voters to add, commands to propose) for every engine, and
 * {@link io.sheepdog.membership.meta.Quorum} counts the voters a node reaches. Pure Java; no engine types here.
 */
package io.sheepdog.membership.meta;
