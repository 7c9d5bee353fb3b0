package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.membership.meta.MetadataException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for replicated metadata commands and maps their outcomes to result codes. */
public final class MetadataErrors {
    private MetadataErrors() {
    }

    /** The result code for a metadata outcome. */
    public static SheepException toSheep(MetadataException e) {
        ResultCode code = switch (e.outcome()) {
            case NOT_FORMATTED -> ResultCode.NOT_FORMATTED;
            case VDI_EXISTS -> ResultCode.VDI_EXISTS;
            case NO_SUCH_VDI -> ResultCode.NO_VDI;
            case INVALID -> ResultCode.INVALID_PARAMS;
            case NO_MAJORITY, TIMEOUT, NOT_RUNNING -> ResultCode.HALT;
            case SHUTTING_DOWN -> ResultCode.SHUTDOWN;
            case VDI_LOCKED -> ResultCode.VDI_LOCKED;
            case NO_SUCH_LOCK -> ResultCode.NO_LOCK;
            default -> ResultCode.UNKNOWN;
        };
        return new SheepException(code, e.getMessage(), e);
    }

    /**
     * Waits for a metadata command, at most {@code wait} ({@link VdiTimeouts#metadata()}); failures become
     * SheepExceptions with the matching code.
     */
    public static <T> T await(CompletableFuture<T> f, Duration wait, String what) throws SheepException {
        try {
            return f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MetadataException me) {
                throw toSheep(me);
            }
            if (cause instanceof SheepException se) {
                throw se;
            }
            throw new SheepException(ResultCode.UNKNOWN, what + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new SheepException(ResultCode.HALT, what + ": no answer from the cluster metadata in "
                    + wait.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SheepException(ResultCode.SHUTDOWN, what + ": interrupted");
        }
    }
}
