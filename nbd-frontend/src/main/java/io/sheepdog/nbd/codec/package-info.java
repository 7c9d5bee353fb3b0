/**
 * NBD wire codecs, one decoder per protocol phase, free of server logic.
 *
 * <p>Handshake phase: {@link io.sheepdog.nbd.codec.NbdHandshakeDecoder} turns the client's bytes into
 * {@link io.sheepdog.nbd.codec.NbdClientFlags} and typed {@link io.sheepdog.nbd.codec.NbdOptionRequest}s;
 * {@link io.sheepdog.nbd.codec.NbdHandshakeEncoder} writes {@link io.sheepdog.nbd.codec.NbdHandshakeReply}s.
 * Transmission phase: {@link io.sheepdog.nbd.codec.NbdRequestDecoder} emits
 * {@link io.sheepdog.nbd.codec.NbdRequest}s and {@link io.sheepdog.nbd.codec.NbdReplyEncoder} writes simple
 * replies and structured reply chunks ({@link io.sheepdog.nbd.codec.NbdReply}).
 *
 * <p>Every wire constant is checked against NetworkBlockDevice/nbd {@code doc/proto.md}; the enums carry their
 * wire codes and a validating {@code valueOf(int)}.
 */
package io.sheepdog.nbd.codec;
