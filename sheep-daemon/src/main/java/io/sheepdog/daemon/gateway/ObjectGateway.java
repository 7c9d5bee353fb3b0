package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.WriteMode;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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

    /**
     * {@link #write(long, long, ByteBuffer, WriteMode, boolean)} while {@code permit} allows it: asked before every
     * attempt. The default, for a gateway that does not retry, asks once.
     */
    default CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua,
                                          WritePermit permit) {
        return permitted(permit, () -> write(oid, offset, src, mode, fua));
    }

    /** {@link #zero(long, long, long, boolean, boolean)} while {@code permit} allows it, as for writes. */
    default CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua,
                                         WritePermit permit) {
        return permitted(permit, () -> zero(oid, offset, length, discard, fua));
    }

    /** This gateway with every change carrying {@code permit} (itself for {@link WritePermit#ALWAYS}). */
    default ObjectGateway permitted(WritePermit permit) {
        return permit == WritePermit.ALWAYS ? this : new PermittedGateway(this, permit);
    }

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

    /** Runs {@code change} if {@code permit} allows it now, else fails with the permit's reason. */
    static CompletableFuture<Void> permitted(WritePermit permit, Supplier<CompletableFuture<Void>> change) {
        try {
            permit.check();
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
        return change.get();
    }
}
