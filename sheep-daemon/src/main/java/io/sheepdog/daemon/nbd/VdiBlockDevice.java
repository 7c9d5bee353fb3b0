package io.sheepdog.daemon.nbd;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.vdi.Inode;
import io.sheepdog.daemon.vdi.VdiIo;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.daemon.vdi.WriteAttachment;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NBD connection's view of a VDI. Multi-conn is safe: every connection of every export goes through the same
 * inode and store, and a flush is a barrier over the whole store.
 *
 * <p>A connection to a working VDI follows its name: when the inode it holds is superseded (the VDI was
 * snapshotted, rolled back or resized through any node), the next request takes the name's working inode, so writes
 * after a snapshot go to the new working VDI and never into the snapshot. The size stays what the handshake said
 * until the client connects again.
 */
final class VdiBlockDevice implements BlockDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VdiBlockDevice.class);

    private final VdiService vdis;
    private final VdiDiffContexts diffs;
    private final VdiIo io;
    private final long size;
    private final boolean snapshot;
    private final WriteAttachment writer;
    private volatile Inode inode;

    /**
     * @param writer the connection's right to write ({@link io.sheepdog.daemon.vdi.VdiLocks}); null for a read-only
     *               device (a snapshot, or a working VDI opened as {@code NAME/ro})
     */
    VdiBlockDevice(Inode inode, VdiService vdis, VdiDiffContexts diffs, WriteAttachment writer) {
        this.inode = inode;
        this.vdis = vdis;
        this.diffs = diffs;
        this.size = inode.size();
        this.snapshot = !inode.record().isWorking();
        this.writer = snapshot ? null : writer;
        // Every object change this connection makes carries its lock's permit, asked again before each retry.
        this.io = this.writer == null ? vdis.io() : vdis.io().permitted(this.writer.permit());
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return writer == null;
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }

    @Override
    public boolean multiConn() {
        return true;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return mapErrors(current().thenCompose(in -> io.read(in, offset, length)));
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return mapErrors(change(in -> io.write(in, offset, data, fua)));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return mapErrors(io.flush());
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
        return mapErrors(change(in -> io.zero(in, offset, length, true, fua)));
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean noHole, boolean fua) {
        return mapErrors(change(in -> io.zero(in, offset, length, !noHole, fua)));
    }

    @Override
    public CompletableFuture<List<Extent>> blockStatus(long offset, long length) {
        return mapErrors(current().thenCompose(in -> io.blockStatus(in, offset, length)));
    }

    /** {@code sheepdog:diff:REF} ({@link VdiDiffContexts}) of the VDI this connection serves now. */
    @Override
    public CompletableFuture<List<Extent>> blockStatus(String context, long offset, long length) {
        if (!VdiDiffContexts.isDiff(context)) {
            return BlockDevice.super.blockStatus(context, offset, length);
        }
        return mapErrors(current().thenCompose(in -> diffs.blockStatus(in.record(), context, offset, length)));
    }

    /**
     * Runs a change on the current inode once the write lock lets it ({@link WriteAttachment#beforeWrite()}, the
     * fence); if a snapshot superseded that inode while the change was held back by its freeze (READONLY), once more
     * on the name's new working inode.
     */
    private CompletableFuture<Void> change(Function<Inode, CompletableFuture<Void>> op) {
        if (writer == null) {
            return CompletableFuture.failedFuture(new SheepException(ResultCode.READONLY,
                    "VDI " + inode.record().name() + " is open read-only on this connection"));
        }
        return writer.beforeWrite().thenCompose(v -> current()).thenCompose(in -> op.apply(in)
                .exceptionallyCompose(e -> {
            if (in.superseded() && SheepException.unwrap(e) instanceof SheepException se
                    && se.result() == ResultCode.READONLY) {
                return current().thenCompose(op);
            }
            return CompletableFuture.failedFuture(e);
        }));
    }

    /** The inode to serve this request from: the one held, or, once it was superseded, the name's working one. */
    private CompletableFuture<Inode> current() {
        Inode held = inode;
        if (!held.superseded() || snapshot) {
            return CompletableFuture.completedFuture(held);
        }
        return vdis.workingInode(held.record().name()).thenApply(next -> {
            inode = next;
            return next;
        });
    }

    private <T> CompletableFuture<T> mapErrors(CompletableFuture<T> f) {
        return f.exceptionallyCompose(e -> CompletableFuture.failedFuture(toNbd(e)));
    }

    private BlockDeviceException toNbd(Throwable e) {
        Throwable cause = SheepException.unwrap(e);
        if (cause instanceof SheepException se) {
            NbdError err = switch (se.result()) {
                case NO_SPACE, FULL_VDI -> NbdError.ENOSPC;
                case INVALID_PARAMS -> NbdError.EINVAL;
                case READONLY, VDI_LOCKED -> NbdError.EPERM;
                case SHUTDOWN -> NbdError.ESHUTDOWN;
                default -> NbdError.EIO;
            };
            if (err == NbdError.EIO) {
                logEio(se.result() + ": " + se.getMessage());
            }
            return new BlockDeviceException(err, se.getMessage(), se);
        }
        logEio(String.valueOf(cause));
        return new BlockDeviceException(NbdError.EIO, String.valueOf(cause), cause);
    }

    /** The client learns only "EIO": the reason goes to the log, where the operator can find it. */
    private void logEio(String reason) {
        LOG.warn("I/O error answered to an NBD client of VDI {}: {}", inode.record().name(), reason);
    }
}
