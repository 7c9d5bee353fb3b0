package io.sheepdog.nbd.codec;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * The peer broke the framing of the protocol (bad magic, oversized payload): the stream cannot be resynchronised
 * and the connection must be closed. Errors a client can recover from are answered on the wire instead.
 */
public class NbdProtocolException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    public NbdProtocolException(String message) {
        super(message);
    }
}
