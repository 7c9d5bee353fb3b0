package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.WriteMode;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * Asynchronous object I/O for the VDI layer. Futures fail with {@link io.sheepdog.daemon.api.SheepException}
 * carrying the result code (NO_SPACE, CHECKSUM, EIO, ...). The caller orders requests to one object (see
 * {@link KeyedSerializer}); requests to different objects run in parallel. Buffers passed in must stay valid until
 * the future completes.
 */
public interface ObjectGateway {

    /** Reads {@code dst.remaining()} bytes at {@code offset} of the object into {@code dst}; holes read as zero. */
    CompletableFuture<Void> read(long oid, long offset, ByteBuffer dst);

    /** Writes {@code src} at {@code offset} of every replica, creating the object or not as {@code mode} says. */
    CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua);

    /** Zeroes a range; with {@code discard} the range is deallocated. */
    CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua);

    /** Removes the object. */
    CompletableFuture<Void> remove(long oid);

    /** Which 4 KiB blocks of the object are allocated. */
    CompletableFuture<BitSet> allocation(long oid);

    /** Durability barrier over every completed write. */
    CompletableFuture<Void> flush();

    /**
     * Compares the object's replicas and repairs the missing, damaged, stale or divergent ones. The default, for a
     * gateway without replicas, fails NOT_SUPPORTED.
     */
    default CompletableFuture<ObjectCheck> check(long oid) {
        return CompletableFuture.failedFuture(new SheepException(ResultCode.NOT_SUPPORTED,
                "this gateway keeps no replicas to check"));
    }
}
