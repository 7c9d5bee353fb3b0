/**
 * An NBD server (fixed newstyle handshake, simple and structured replies) as specified by the NBD protocol
 * (NetworkBlockDevice/nbd {@code doc/proto.md}). It serves {@link io.sheepdog.nbd.BlockDevice}s found through an
 * {@link io.sheepdog.nbd.ExportProvider} and knows nothing of sheep. Wire codecs live in {@code nbd.codec},
 * the per-phase handlers in {@code nbd.server}.
 */
package io.sheepdog.nbd;
