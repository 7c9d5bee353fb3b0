package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keeps this gateway's copy of a VDI's object map true to the inode object, which other gateways change too
 * (docs/architecture.md, "Map coherence between gateways"). The rule:
 *
 * <ul>
 * <li>An entry naming the VDI itself (an object the VDI owns) is trusted from memory: reads and writes of data the
 *     VDI holds cost nothing extra.</li>
 * <li>Any other entry (unallocated, or an ancestor's object) is read anew from the inode object before it is used,
 *     one read for the whole span of such entries a request covers: another gateway may have allocated or copied the
 *     object since.</li>
 * <li>An owned entry whose object no replica holds (NO_OBJ from every replica) is read anew too: another gateway
 *     dropped the object (a whole-object discard). If the entry changed, the request runs again on the new entry;
 *     if not, the object is lost and the request fails EIO.</li>
 * </ul>
 *
 * Learned entries replace what memory holds only if memory still holds what it held before the read, so a change
 * this node made meanwhile (and is persisting) is never undone by an older persisted value.
 */
final class MapCoherence {
    /** How often one request follows an entry that other gateways keep changing before it gives up. */
    static final int MAX_RELEARNS = 8;

    private final ObjectGateway gateway;

    MapCoherence(ObjectGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * Re-reads the entries of {@code [offset, offset+length)} that do not name the VDI itself; nothing is read when
     * every entry does.
     */
    CompletableFuture<Void> refreshUnowned(Inode inode, long offset, long length) {
        int first = (int) (offset / ObjectLayout.OBJECT_SIZE);
        int last = (int) ((offset + Math.max(length, 1) - 1) / ObjectLayout.OBJECT_SIZE);
        int lo = -1;
        int hi = -1;
        for (int i = first; i <= last; i++) {
            if (inode.dataVid(i) != inode.vid()) {
                lo = lo < 0 ? i : lo;
                hi = i;
            }
        }
        return lo < 0 ? CompletableFuture.completedFuture(null) : refresh(inode, lo, hi - lo + 1);
    }

    /** Re-reads the entries {@code [from, from+count)} from the inode object, whatever they hold in memory. */
    CompletableFuture<Void> refresh(Inode inode, int from, int count) {
        int[] expected = new int[count];
        for (int i = 0; i < count; i++) {
            expected[i] = inode.dataVid(from + i);
        }
        ByteBuffer entries = ByteBuffer.allocate(count * InodeLayout.MAP_ENTRY_SIZE);
        return gateway.read(ObjectId.inode(inode.vid()), InodeLayout.mapEntryOffset(from), entries).thenAccept(v -> {
            entries.flip();
            int[] seen = InodeCodec.decodeMap(entries, count);
            for (int i = 0; i < count; i++) {
                inode.learnDataVid(from + i, expected[i], seen[i]);
            }
        });
    }

    /**
     * {@code call}, made on the object that entry {@code index} named as {@code owner}; if it fails because no replica
     * holds that object, the entry is read anew and, if it changed, {@code retry} runs instead (it looks at the entry
     * again). {@code attempt} counts the retries so far.
     */
    <T> CompletableFuture<T> whenMissing(Inode inode, int index, int owner, int attempt, CompletableFuture<T> call,
                                         Supplier<CompletableFuture<T>> retry) {
        return call.exceptionallyCompose(e -> {
            Throwable cause = SheepException.unwrap(e);
            if (!(cause instanceof SheepException se) || se.result() != ResultCode.NO_OBJ) {
                return CompletableFuture.failedFuture(cause);
            }
            return refresh(inode, index, 1).thenCompose(v -> {
                boolean changed = inode.dataVid(index) != owner;
                if (changed && attempt < MAX_RELEARNS) {
                    return retry.get();
                }
                if (changed) {
                    return CompletableFuture.failedFuture(new SheepException(ResultCode.EIO, "map entry " + index
                            + " of VDI " + inode.record().name() + " changed " + MAX_RELEARNS
                            + " times under one request (other gateways keep allocating and dropping it)", se));
                }
                return CompletableFuture.failedFuture(new SheepException(ResultCode.EIO, "object "
                        + ObjectId.toString(ObjectId.data(owner, index)) + " of VDI " + inode.record().name()
                        + " is lost: its inode maps it, and " + se.getMessage(), se));
            });
        });
    }
}
