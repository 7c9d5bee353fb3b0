package io.sheepdog.nbd.codec;

/** Everything the server sends during the handshake; written by {@link NbdHandshakeEncoder}. */
public sealed interface NbdHandshakeReply permits NbdServerGreeting, NbdExportNameReply, NbdOptionReply {
}
