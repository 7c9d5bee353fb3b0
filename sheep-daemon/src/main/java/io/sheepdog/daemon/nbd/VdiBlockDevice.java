package io.sheepdog.daemon.nbd;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.vdi.Inode;
import io.sheepdog.daemon.vdi.VdiIo;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NBD connection's view of a VDI. Multi-conn is safe: every connection of every export goes through the same
 * inode and store, and a flush is a barrier over the whole store.
 */
final class VdiBlockDevice implements BlockDevice {
    private static final Logger LOG = LoggerFactory.getLogger(VdiBlockDevice.class);

    private final Inode inode;
    private final VdiIo io;

    VdiBlockDevice(Inode inode, VdiIo io) {
        this.inode = inode;
        this.io = io;
    }

    @Override
    public long size() {
        return inode.size();
    }

    @Override
    public boolean readOnly() {
        return inode.record().snapshotId() != 0;
    }

    @Override
    public boolean multiConn() {
        return true;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return mapErrors(io.read(inode, offset, length));
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return mapErrors(io.write(inode, offset, data, fua));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return mapErrors(io.flush());
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
        return mapErrors(io.zero(inode, offset, length, true, fua));
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean noHole, boolean fua) {
        return mapErrors(io.zero(inode, offset, length, !noHole, fua));
    }

    @Override
    public CompletableFuture<List<Extent>> blockStatus(long offset, long length) {
        return mapErrors(io.blockStatus(inode, offset, length));
    }

    private <T> CompletableFuture<T> mapErrors(CompletableFuture<T> f) {
        return f.exceptionallyCompose(e -> CompletableFuture.failedFuture(toNbd(e)));
    }

    private BlockDeviceException toNbd(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof SheepException se) {
            NbdError err = switch (se.result()) {
                case NO_SPACE, FULL_VDI -> NbdError.ENOSPC;
                case INVALID_PARAMS -> NbdError.EINVAL;
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
