package io.sheepdog.nbd.codec;

/**
 * The newstyle greeting: NBDMAGIC, IHAVEOPT and the 16-bit handshake flags.
 *
 * @param handshakeFlags the handshake flags ({@link NbdHandshakeFlag} masks)
 */
public record NbdServerGreeting(int handshakeFlags) implements NbdHandshakeReply {
}
