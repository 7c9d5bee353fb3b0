package io.sheepdog.daemon.server;

import io.netty.buffer.ByteBufAllocator;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what an operation threw into the error response the client sees: a {@link SheepException} keeps its code
 * and message; an I/O failure becomes EIO and anything else UNKNOWN, both with the exception's message, and are
 * logged because they point at a fault in the daemon rather than a caller mistake.
 */
final class SheepFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SheepFailures.class);

    private SheepFailures() {
    }

    static SheepResponse toResponse(SheepRequest request, Throwable failure, ByteBufAllocator alloc) {
        Throwable t = SheepException.unwrap(failure);
        ResultCode code;
        String message;
        if (t instanceof SheepException se) {
            code = se.result();
            message = se.getMessage();
            if (code == ResultCode.NETWORK_ERROR || code == ResultCode.SUCCESS) {
                // NETWORK_ERROR is the client-side view of an unreachable peer (a gateway relaying it); to our own
                // client the request simply failed with an I/O error.
                code = ResultCode.EIO;
            }
        } else {
            code = t instanceof IOException || t instanceof UncheckedIOException ? ResultCode.EIO : ResultCode.UNKNOWN;
            message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            LOG.warn("{} (request {}) failed unexpectedly", request.opcode(), request.requestId(), t);
        }
        return SheepResponse.error(request.opcodeCode(), request.requestId(), code, message, alloc);
    }
}
