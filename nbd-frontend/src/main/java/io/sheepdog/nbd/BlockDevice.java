package io.sheepdog.nbd;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A block device served as an NBD export. All methods are asynchronous and must not block the calling thread
 * (the server calls them on a Netty event loop). Offsets and lengths are already checked against {@link #size()}
 * by the server. A future completed exceptionally with a {@link BlockDeviceException} is answered with that
 * exception's NBD error; any other exception is answered with EIO.
 *
 * <p>Buffer ownership: {@link #read} returns a buffer the caller releases. The buffer passed to {@link #write} is
 * owned by the caller, which releases it after the returned future completes; an implementation that needs it
 * longer retains it.
 */
public interface BlockDevice {

    /** Size in bytes. */
    long size();

    /** True if writes, trims and zeroes are refused. */
    boolean readOnly();

    /**
     * True if a flush on one connection makes the writes completed on every other connection to this export
     * durable, and all connections see the same data (NBD_FLAG_CAN_MULTI_CONN).
     */
    boolean multiConn();

    /** Reads {@code length} bytes at {@code offset}; the returned buffer holds exactly {@code length} bytes. */
    CompletableFuture<ByteBuf> read(long offset, int length);

    /** Writes the readable bytes of {@code data} at {@code offset}; with {@code fua} durably before completing. */
    CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua);

    /** Makes every completed write durable. */
    CompletableFuture<Void> flush();

    /** Discards a range: afterwards it reads as zeroes. Lengths may be far larger than any payload. */
    CompletableFuture<Void> trim(long offset, long length, boolean fua);

    /** Writes zeroes over a range; with {@code noHole} the range stays allocated. */
    CompletableFuture<Void> writeZeroes(long offset, long length, boolean noHole, boolean fua);

    /**
     * The allocation state of {@code [offset, offset+length)} as consecutive extents starting at {@code offset}
     * (the base:allocation meta context). The extents may end before {@code offset+length} but cover at least one
     * byte; they may also run past it.
     */
    CompletableFuture<List<Extent>> blockStatus(long offset, long length);

    /**
     * The status of {@code [offset, offset+length)} in metadata context {@code context}, one of the names the
     * export's {@link ExportProvider#metaContexts()} offered and the client selected; the extents follow the rules of
     * {@link #blockStatus(long, long)}, and their flags mean what that context defines. A device offering no such
     * context fails EINVAL (the default).
     */
    default CompletableFuture<List<Extent>> blockStatus(String context, long offset, long length) {
        return CompletableFuture.failedFuture(new BlockDeviceException(NbdError.EINVAL,
                "export offers no metadata context " + context));
    }

    /** The connection using this device closed; release what was opened for it. */
    default void close() {
    }
}
