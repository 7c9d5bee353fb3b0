package io.sheepdog.daemon.nbd;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.security.Identity;
import io.sheepdog.daemon.vdi.Inode;
import io.sheepdog.daemon.vdi.VdiLocks;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.MetaContextSource;
import io.sheepdog.nbd.NbdClient;
import io.sheepdog.nbd.NbdError;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Exports every working VDI under its name and every snapshot, read-only, as {@code NAME@ID} and (if tagged)
 * {@code NAME@TAG}; {@code NAME/ro} opens the working VDI read-only ({@code /} is never part of a VDI name). A client
 * attaching to write a working VDI takes its write lock ({@link VdiLocks}): refused NBD_REP_ERR_POLICY, with the
 * holder named, while another client holds it; read-only opens take no lock. Lookups never block the event loop that
 * asks: {@link #openAsync} and {@link #attach} answer with futures of {@link VdiService#inodeAsync}, which waits, with
 * a bound, for what it cannot answer from memory: the read barrier (a VDI created through another node a moment ago)
 * and the inode of a VDI not opened yet. {@link #open} is the same lookup, waiting; the server does not call it.
 * Besides base:allocation every export offers the {@code sheepdog:diff:REF} metadata contexts of
 * {@link VdiDiffContexts}.
 *
 * <p>Access follows the client's TLS certificate ({@link Identity}): a {@code vdi:NAME} key sees and opens only
 * those VDIs and their snapshots, a read-only key opens everything read-only, others everything; an export a
 * client may not use is listed nowhere and opens as unknown, so its existence is not told. A plaintext client (a
 * sheep without keys, or {@code --nbd-tls allow}) may use everything.
 */
public final class VdiExportProvider implements ExportProvider {
    /** The suffix of an export name that opens a working VDI read-only. */
    public static final String READ_ONLY_SUFFIX = "/ro";

    private final VdiService vdis;
    private final VdiLocks locks;
    private final VdiDiffContexts diffs;

    public VdiExportProvider(VdiService vdis, VdiLocks locks) {
        this.vdis = vdis;
        this.locks = locks;
        this.diffs = new VdiDiffContexts(vdis);
    }

    /** The export without attaching: NBD_OPT_INFO, and every read-only open. */
    @Override
    public Optional<BlockDevice> open(String name) {
        return openAsync(name).join();
    }

    @Override
    public CompletableFuture<Optional<BlockDevice>> openAsync(String name) {
        return vdis.inodeAsync(vdiName(name))
                .thenApply(found -> found.map(inode -> new VdiBlockDevice(inode, vdis, diffs, null)));
    }

    @Override
    public CompletableFuture<Optional<BlockDevice>> openAsync(String name, NbdClient client) {
        return identity(client).mayOpen(baseVdi(name)) ? openAsync(name)
                : CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletableFuture<Optional<BlockDevice>> attach(String name, NbdClient client) {
        Identity who = identity(client);
        if (!who.mayOpen(baseVdi(name))) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (who.readOnly()) {
            return openAsync(name);
        }
        if (name.endsWith(READ_ONLY_SUFFIX)) {
            return openAsync(name);
        }
        return vdis.inodeAsync(name).thenCompose(found -> found.isPresent() && found.get().record().isWorking()
                ? lock(name, found.get(), client)
                : CompletableFuture.completedFuture(found.map(inode -> new VdiBlockDevice(inode, vdis, diffs, null))));
    }

    /** The working VDI for a writer, once it holds the write lock. */
    private CompletableFuture<Optional<BlockDevice>> lock(String name, Inode inode, NbdClient client) {
        return locks.attach(inode.record().name(), client.host())
                .<Optional<BlockDevice>>thenApply(w -> Optional.of(new VdiBlockDevice(inode, vdis, diffs, w)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(refusal(name, SheepException.of(e))));
    }

    /**
     * Why a writer is not let in: another client holds the lock (the holder named), or this node reaches no
     * majority, so no lock can be granted; both are the server's policy (NBD_REP_ERR_POLICY with these words).
     */
    private static BlockDeviceException refusal(String name, SheepException e) {
        if (e.result() == ResultCode.VDI_LOCKED) {
            return new BlockDeviceException(NbdError.EPERM, e.getMessage(), e);
        }
        if (e.result() == ResultCode.HALT) {
            return new BlockDeviceException(NbdError.EPERM, "cannot take the write lock of VDI " + name + ": "
                    + e.getMessage() + "; " + name + READ_ONLY_SUFFIX + " opens it read-only", e);
        }
        return new BlockDeviceException(NbdError.EIO, e.getMessage(), e);
    }

    /** Who the client is: its certificate's identity; on a plaintext connection, anyone. */
    private static Identity identity(NbdClient client) {
        return client.certificate().map(Identity::of).orElse(Identity.INSECURE);
    }

    /** The working VDI an export name is of: without {@link #READ_ONLY_SUFFIX} and a snapshot's {@code @ID}. */
    private static String baseVdi(String exportName) {
        String vdi = vdiName(exportName);
        int at = vdi.lastIndexOf('@');
        return at < 0 ? vdi : vdi.substring(0, at);
    }

    /** The VDI an export name opens: the name without {@link #READ_ONLY_SUFFIX}. */
    private static String vdiName(String exportName) {
        return exportName.endsWith(READ_ONLY_SUFFIX)
                ? exportName.substring(0, exportName.length() - READ_ONLY_SUFFIX.length()) : exportName;
    }

    /** {@code sheepdog:diff:REF}: where the export differs from a snapshot ({@link VdiDiffContexts}). */
    @Override
    public MetaContextSource metaContexts() {
        return diffs;
    }

    @Override
    public List<ExportDescription> list(NbdClient client) {
        Identity who = identity(client);
        return list().stream().filter(e -> who.mayOpen(baseVdi(e.name()))).toList();
    }

    /** From the metadata after the read barrier, without inode reads ({@link VdiService#listLocal}). */
    @Override
    public List<ExportDescription> list() {
        return vdis.listLocal().stream().flatMap(VdiExportProvider::describe).toList();
    }

    /** A working VDI as its name; a snapshot as NAME@ID and, if tagged, NAME@TAG (both read-only). */
    private static Stream<ExportDescription> describe(VdiInfo v) {
        if (v.snapshotId() == 0) {
            return Stream.of(new ExportDescription(v.name(), String.format(
                    "sheepdog VDI %s (id %06x, %d bytes, %d copies)", v.name(), v.vid(), v.size(), v.copies())));
        }
        String what = String.format("sheepdog VDI %s snapshot %d%s (id %06x, %d bytes, read-only)", v.name(),
                v.snapshotId(), v.tag().isEmpty() ? "" : " " + v.tag(), v.vid(), v.size());
        Stream<ExportDescription> byId = Stream.of(new ExportDescription(v.name() + "@" + v.snapshotId(), what));
        return v.tag().isEmpty() ? byId
                : Stream.concat(byId, Stream.of(new ExportDescription(v.name() + "@" + v.tag(), what)));
    }
}
