package io.sheepdog.nbd.server;

import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.codec.NbdCommandFlag;
import io.sheepdog.nbd.codec.NbdRequest;
import io.sheepdog.nbd.codec.NbdTransmissionFlag;
import java.util.Optional;

/**
 * Checks a request against the negotiated session before it reaches the device, choosing the errors proto.md
 * asks for ("Error values", "Size constraints", "Command flags"):
 * <ul>
 *   <li>unknown command, or a flag not valid for the command or not advertised: EINVAL;</li>
 *   <li>WRITE, TRIM or WRITE_ZEROES on a read-only export: EPERM;</li>
 *   <li>past the end of the export: ENOSPC for WRITE and WRITE_ZEROES, EINVAL otherwise;</li>
 *   <li>READ longer than the maximum payload: EOVERFLOW with structured replies, EINVAL with simple ones;</li>
 *   <li>BLOCK_STATUS without a negotiated metadata context, or of length zero: EINVAL.</li>
 * </ul>
 * The advertised minimum block size is 1, so there is no alignment to check.
 */
final class NbdRequestValidator {

    /** Why a request is refused. */
    record Rejection(NbdError error, String message) {
    }

    private final long size;
    private final boolean readOnly;
    private final boolean fuaAdvertised;
    private final boolean dfAdvertised;
    private final boolean structuredReplies;
    private final boolean metaContexts;
    private final int maxPayload;

    NbdRequestValidator(NbdSession session) {
        this.size = session.device().size();
        this.readOnly = session.device().readOnly();
        int flags = session.transmissionFlags();
        this.fuaAdvertised = (flags & NbdTransmissionFlag.SEND_FUA.mask()) != 0;
        this.dfAdvertised = (flags & NbdTransmissionFlag.SEND_DF.mask()) != 0;
        this.structuredReplies = session.structuredReplies();
        this.metaContexts = !session.metaContexts().isEmpty();
        this.maxPayload = session.maxPayload();
    }

    /** Empty if the request may go to the device. */
    Optional<Rejection> check(NbdRequest request) {
        if (request instanceof NbdRequest.Unsupported) {
            return reject(NbdError.EINVAL, "unknown command " + request.type());
        }
        int invalidFlags = request.flags() & ~allowedFlags(request);
        if (invalidFlags != 0) {
            return reject(NbdError.EINVAL, "command flags 0x" + Integer.toHexString(invalidFlags)
                    + " not valid for command " + request.type());
        }
        if (request instanceof NbdRequest.Flush) {
            return Optional.empty();
        }
        boolean writes = request instanceof NbdRequest.Write || request instanceof NbdRequest.Trim
                || request instanceof NbdRequest.WriteZeroes;
        if (writes && readOnly) {
            return reject(NbdError.EPERM, "export is read-only");
        }
        if (request instanceof NbdRequest.BlockStatus) {
            if (!metaContexts) {
                return reject(NbdError.EINVAL, "no metadata context was negotiated");
            }
            if (request.length() == 0) {
                return reject(NbdError.EINVAL, "block status of zero bytes");
            }
        }
        if (!inRange(request.offset(), request.length())) {
            boolean addsData = request instanceof NbdRequest.Write || request instanceof NbdRequest.WriteZeroes;
            return reject(addsData ? NbdError.ENOSPC : NbdError.EINVAL, "request of " + request.length()
                    + " bytes at offset " + Long.toUnsignedString(request.offset()) + " exceeds export size " + size);
        }
        if (request instanceof NbdRequest.Read && request.length() > maxPayload) {
            return reject(structuredReplies ? NbdError.EOVERFLOW : NbdError.EINVAL,
                    "read of " + request.length() + " bytes exceeds the maximum payload " + maxPayload);
        }
        return Optional.empty();
    }

    private int allowedFlags(NbdRequest request) {
        int allowed = fuaAdvertised ? NbdCommandFlag.FUA.mask() : 0;
        if (request instanceof NbdRequest.Read && dfAdvertised) {
            allowed |= NbdCommandFlag.DF.mask();
        } else if (request instanceof NbdRequest.WriteZeroes) {
            allowed |= NbdCommandFlag.NO_HOLE.mask();
        } else if (request instanceof NbdRequest.BlockStatus) {
            allowed |= NbdCommandFlag.REQ_ONE.mask();
        }
        return allowed;
    }

    /** offset + length <= size, in unsigned arithmetic that cannot overflow. */
    private boolean inRange(long offset, long length) {
        return Long.compareUnsigned(offset, size) <= 0 && length <= size - offset;
    }

    private static Optional<Rejection> reject(NbdError error, String message) {
        return Optional.of(new Rejection(error, message));
    }
}
