/**
 * Who may talk to a sheep, and how the channels are protected (docs/architecture.md, "Security").
 *
 * <p>A cluster has one certificate authority ({@link io.sheepdog.daemon.security.ClusterCa}), created offline by
 * {@code collie cluster keygen}. Every certificate it signs names an {@link io.sheepdog.daemon.security.Identity}: a
 * name and a {@link io.sheepdog.daemon.security.Role} (node, admin, user, read-only, or a set of VDIs). Nodes mint
 * their own certificate from the CA key at start; clients get theirs from {@code collie key create}. Every channel
 * (the sheep protocol between nodes and from collie, JGroups membership, NBD) is TLS 1.3 with certificates of both
 * sides checked against the CA ({@link io.sheepdog.daemon.security.TlsContexts}); what an identity may do is
 * {@link io.sheepdog.daemon.security.OpcodeAccess} per sheep-protocol operation.
 */
package io.sheepdog.daemon.security;
