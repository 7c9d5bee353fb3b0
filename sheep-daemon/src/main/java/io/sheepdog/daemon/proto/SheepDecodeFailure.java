package io.sheepdog.daemon.proto;

import io.sheepdog.daemon.api.ResultCode;

/**
 * What a decoder emits instead of a message when a frame cannot be accepted. The logic answers it (when the request id
 * is known) and, if {@code fatal}, closes the connection because the byte stream can no longer be framed.
 *
 * @param requestId the id of the offending frame, or {@link SheepProtocol#NO_REQUEST_ID} if it was not readable
 * @param opcode    the raw opcode byte (echoed in the answer), or -1 if not readable
 * @param result    the code to answer with (for example VER_MISMATCH, INVALID_PARAMS, NOT_SUPPORTED)
 * @param message   what went wrong, for a person
 * @param fatal     true if the decoder has stopped decoding (state BAD_MESSAGE) and the connection must close
 */
public record SheepDecodeFailure(long requestId, int opcode, ResultCode result, String message, boolean fatal) {

    public boolean hasRequestId() {
        return requestId != SheepProtocol.NO_REQUEST_ID;
    }
}
