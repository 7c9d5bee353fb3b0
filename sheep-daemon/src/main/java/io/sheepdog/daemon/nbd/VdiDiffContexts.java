package io.sheepdog.daemon.nbd;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.MetaContextSource;
import io.sheepdog.store.ObjectLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code sheepdog:diff:REF} metadata contexts: where an export differs from snapshot REF of its VDI name, by
 * object ownership. REF is a snapshot's tag or number ({@link io.sheepdog.daemon.api.SnapshotRef#parse}); the empty
 * REF ({@code sheepdog:diff:}) means the export's parent (the snapshot a working VDI was made from, the one before a
 * snapshot, a clone's source), and an export without a parent is compared with nothing.
 *
 * <p>Block status flags: {@link #STATE_CHANGED} (bit 0) where the export's object map names another owner than
 * REF's map, or one of them has no object (written since, or discarded since); 0 where both name the same owner, so
 * both read the same object, or neither has one. Snapshots never change, so a shared owner is unchanged data; a
 * changed object may still hold the same bytes (granularity: one 4 MiB object). Both maps are read from the inode
 * objects for every request, so writes through other gateways count.
 *
 * <p>Listing: the query {@code sheepdog:} (or none) lists {@code sheepdog:diff:} and one context per snapshot of
 * the name, by tag, or by number where untagged; a full name is listed (and can be selected) if its REF resolves.
 */
final class VdiDiffContexts implements MetaContextSource {
    static final String NAMESPACE = "sheepdog:";
    static final String PREFIX = "sheepdog:diff:";
    /** The flag of a changed extent (like qemu:dirty-bitmap's dirty bit). */
    static final int STATE_CHANGED = 1;

    private final VdiService vdis;

    VdiDiffContexts(VdiService vdis) {
        this.vdis = vdis;
    }

    @Override
    public List<String> list(String exportName, String query) {
        if (!query.isEmpty() && !query.startsWith(NAMESPACE)) {
            return List.of();
        }
        Optional<VdiEntry> export = vdis.exportEntry(exportName);
        if (export.isEmpty()) {
            return List.of();
        }
        String name = export.get().name();
        if (query.isEmpty() || query.equals(NAMESPACE)) {
            List<String> all = new ArrayList<>();
            all.add(PREFIX);
            for (VdiEntry s : vdis.snapshots(name)) {
                all.add(PREFIX + (s.tag().isEmpty() ? Integer.toString(s.snapshotId()) : s.tag()));
            }
            return all;
        }
        if (query.startsWith(PREFIX)) {
            String ref = query.substring(PREFIX.length());
            return ref.isEmpty() || vdis.findSnapshot(name, ref).isPresent() ? List.of(query) : List.of();
        }
        return List.of();
    }

    /** Whether {@code context} is one of these contexts' names (its REF may not resolve). */
    static boolean isDiff(String context) {
        return context.startsWith(PREFIX);
    }

    /**
     * The status of {@code [offset, offset+length)} of {@code export} in {@code context}: merged extents from
     * {@code offset} to the end of the last object the range touches.
     */
    CompletableFuture<List<Extent>> blockStatus(VdiEntry export, String context, long offset, long length) {
        String ref = context.substring(PREFIX.length());
        Optional<VdiEntry> base;
        if (ref.isEmpty()) {
            base = export.parentVid() == 0 ? Optional.empty() : vdis.entry(export.parentVid());
        } else {
            base = vdis.findSnapshot(export.name(), ref);
            if (base.isEmpty()) {
                return CompletableFuture.failedFuture(new SheepException(ResultCode.INVALID_PARAMS,
                        "VDI " + export.name() + " has no snapshot " + ref + " any more"));
            }
        }
        int from = (int) (offset / ObjectLayout.OBJECT_SIZE);
        int to = (int) ((offset + length + ObjectLayout.OBJECT_SIZE - 1) / ObjectLayout.OBJECT_SIZE);
        CompletableFuture<int[]> theirs = base.map(b -> vdis.mapEntries(b, from, to))
                .orElseGet(() -> CompletableFuture.completedFuture(new int[to - from]));
        return vdis.mapEntries(export, from, to).thenCombine(theirs, (mine, other) -> extents(mine, other, offset));
    }

    /**
     * The merged extents of map entries {@code mine} and {@code theirs} (the same object indexes, the first holding
     * {@code offset}), from {@code offset} to the end of the last object.
     */
    static List<Extent> extents(int[] mine, int[] theirs, long offset) {
        if (mine.length != theirs.length || mine.length == 0) {
            throw new IllegalArgumentException("maps of " + mine.length + " and " + theirs.length + " entries");
        }
        List<Extent> out = new ArrayList<>();
        long pos = offset;
        long runLength = 0;
        int runFlags = 0;
        long objectEnd = (offset / ObjectLayout.OBJECT_SIZE + 1) * ObjectLayout.OBJECT_SIZE;
        for (int i = 0; i < mine.length; i++, objectEnd += ObjectLayout.OBJECT_SIZE) {
            int flags = mine[i] != theirs[i] ? STATE_CHANGED : 0;
            if (runLength > 0 && flags != runFlags) {
                out.add(new Extent(runLength, runFlags));
                runLength = 0;
            }
            runFlags = flags;
            runLength += objectEnd - pos;
            pos = objectEnd;
        }
        out.add(new Extent(runLength, runFlags));
        return out;
    }
}
