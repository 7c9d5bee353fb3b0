/**
 * The sheep daemon: command line ({@link io.sheepdog.daemon.SheepMain}), typed configuration
 * ({@link io.sheepdog.daemon.SheepConfig}) and the composition root ({@link io.sheepdog.daemon.SheepDaemon}) that
 * wires the local store, the VDI service, the sheep protocol server and the NBD server together.
 */
package io.sheepdog.daemon;
