/**
 * VDIs served as NBD exports: the export name is the VDI name ({@code NAME@TAG} and {@code NAME@ID} for snapshots),
 * with the {@code sheepdog:diff:REF} metadata contexts beside base:allocation ({@link VdiDiffContexts}).
 */
package io.sheepdog.daemon.nbd;
