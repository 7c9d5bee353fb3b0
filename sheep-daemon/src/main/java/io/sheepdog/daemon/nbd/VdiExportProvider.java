package io.sheepdog.daemon.nbd;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.MetaContextSource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Exports every working VDI under its name and every snapshot, read-only, as {@code NAME@ID} and (if tagged)
 * {@code NAME@TAG}. Called on the event loop, which waits here, with a bound, for what it cannot
 * answer from memory: the inode of a VDI not opened yet, and the read barrier for a name this node does not know
 * (a VDI created through another node a moment ago; see {@link VdiService}). Besides base:allocation every export
 * offers the {@code sheepdog:diff:REF} metadata contexts of {@link VdiDiffContexts}.
 */
public final class VdiExportProvider implements ExportProvider {
    private final VdiService vdis;
    private final VdiDiffContexts diffs;

    public VdiExportProvider(VdiService vdis) {
        this.vdis = vdis;
        this.diffs = new VdiDiffContexts(vdis);
    }

    @Override
    public Optional<BlockDevice> open(String name) {
        return vdis.inode(name).map(inode -> new VdiBlockDevice(inode, vdis, diffs));
    }

    /** {@code sheepdog:diff:REF}: where the export differs from a snapshot ({@link VdiDiffContexts}). */
    @Override
    public MetaContextSource metaContexts() {
        return diffs;
    }

    @Override
    public List<ExportDescription> list() {
        try {
            return vdis.list().stream().flatMap(VdiExportProvider::describe).toList();
        } catch (SheepException e) {
            return List.of();
        }
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
