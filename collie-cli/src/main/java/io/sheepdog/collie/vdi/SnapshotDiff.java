package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The work of {@code vdi backup}: the {@link BackupStream} records in which snapshot TO differs from snapshot FROM.
 * Only objects whose owner differs between the two object maps are read (snapshots never change, so an object both
 * maps share is unchanged); of those, up to {@code window} objects (each TO's and FROM's copy) are read at once while
 * the records of the oldest are written, so the stream stays in order at the speed of the pipe. Within an object,
 * 4 KiB blocks are compared and each run of changed blocks of one kind becomes one record: data, or zeroes where TO
 * reads zeroes. An object TO no longer maps is one zero record, read from neither snapshot.
 */
final class SnapshotDiff {
    private static final int BLOCK = VdiTransfer.BLOCK;

    private final VdiOps vdis;
    private final int window;

    SnapshotDiff(VdiOps vdis, int window) {
        this.vdis = vdis;
        this.window = window;
    }

    /** One snapshot's side of the comparison: its id (0 for none, reading zeroes) and object map. */
    record Side(int vid, int[] map) {
        int owner(int index) {
            return vid == 0 || index >= map.length ? 0 : map[index];
        }
    }

    /** What a backup wrote. */
    record Totals(long records, long dataBytes, long zeroBytes) {
    }

    /** One object's two copies; a null buffer reads zeroes. {@code unmapped}: TO has no such object. */
    private record Pair(long offset, int length, boolean unmapped, ByteBuf now, ByteBuf then) {
        void release() {
            if (now != null) {
                now.release();
            }
            if (then != null) {
                then.release();
            }
        }
    }

    /** The object indexes of {@code to} whose owner differs from {@code from}'s. */
    static List<Integer> changed(Side to, Side from) {
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < to.map().length; i++) {
            if (to.owner(i) != from.owner(i)) {
                changed.add(i);
            }
        }
        return changed;
    }

    /**
     * Writes the records of every object in {@code changed} (ascending) of a VDI of {@code size} bytes, telling
     * {@code progress} the bytes of objects done of those to do. Does not write the end record.
     */
    Totals write(Side to, Side from, long size, List<Integer> changed, BackupStream.Writer out,
                 VdiTransfer.Progress progress) throws SheepException, IOException {
        long total = 0;
        for (int i : changed) {
            total += length(i, size);
        }
        Runs runs = new Runs(out);
        long done = 0;
        int next = 0;
        try (RequestWindow<Pair> reads = new RequestWindow<>(window, Pair::release)) {
            progress.done(0, total);
            while (next < changed.size() || !reads.isEmpty()) {
                while (next < changed.size() && !reads.isFull()) {
                    reads.add(fetch(to, from, changed.get(next++), size));
                }
                Pair p = reads.awaitOldest();
                try {
                    runs.object(p);
                } finally {
                    p.release();
                }
                done += p.length();
                progress.done(done, total);
            }
        }
        return new Totals(runs.records, runs.dataBytes, runs.zeroBytes);
    }

    private static int length(int index, long size) {
        return (int) Math.min(VdiTransfer.OBJECT_SIZE, size - (long) index * VdiTransfer.OBJECT_SIZE);
    }

    private CompletableFuture<Pair> fetch(Side to, Side from, int index, long size) {
        long at = (long) index * VdiTransfer.OBJECT_SIZE;
        int len = length(index, size);
        if (to.owner(index) == 0) {
            return CompletableFuture.completedFuture(new Pair(at, len, true, null, null));
        }
        CompletableFuture<ByteBuf> now = vdis.read(to.vid(), at, len);
        CompletableFuture<ByteBuf> then = from.owner(index) == 0 ? CompletableFuture.completedFuture(null)
                : vdis.read(from.vid(), at, len);
        return CompletableFuture.allOf(now, then).handle((v, t) -> {
            if (t != null) {
                // One read failed: the other's buffer is ours to free.
                now.thenAccept(SnapshotDiff::release);
                then.thenAccept(SnapshotDiff::release);
                throw t instanceof CompletionException && t.getCause() != null ? (CompletionException) t
                        : new CompletionException(t);
            }
            return new Pair(at, len, false, now.join(), then.join());
        });
    }

    private static void release(ByteBuf b) {
        if (b != null) {
            b.release();
        }
    }

    /** Cuts one object into records: runs of changed 4 KiB blocks of one kind. */
    private static final class Runs {
        private static final int NONE = 0;
        private final BackupStream.Writer out;
        long records;
        long dataBytes;
        long zeroBytes;

        Runs(BackupStream.Writer out) {
            this.out = out;
        }

        void object(Pair p) throws IOException {
            if (p.unmapped()) {
                emit(BackupStream.ZEROES, p.offset(), null, 0, p.length());
                return;
            }
            ByteBuffer now = p.now().nioBuffer();
            ByteBuffer then = p.then() == null ? null : p.then().nioBuffer();
            int len = p.length();
            int b = 0;
            while (b < len) {
                int kind = kind(now, then, b, Math.min(BLOCK, len - b));
                int start = b;
                b += Math.min(BLOCK, len - b);
                while (b < len && kind(now, then, b, Math.min(BLOCK, len - b)) == kind) {
                    b += Math.min(BLOCK, len - b);
                }
                if (kind != NONE) {
                    emit(kind, p.offset() + start, now, start, b - start);
                }
            }
        }

        /** What the block at {@code b} of {@code n} bytes needs: nothing, data, or zeroes. */
        private static int kind(ByteBuffer now, ByteBuffer then, int b, int n) {
            ByteBuffer block = now.slice(now.position() + b, n);
            if (then != null && block.mismatch(then.slice(then.position() + b, n)) < 0) {
                return NONE;
            }
            boolean zero = VdiTransfer.allZero(block);
            if (then == null) {
                return zero ? NONE : BackupStream.DATA; // FROM reads zeroes here
            }
            return zero ? BackupStream.ZEROES : BackupStream.DATA;
        }

        private void emit(int kind, long offset, ByteBuffer now, int from, int length) throws IOException {
            records++;
            if (kind == BackupStream.ZEROES) {
                out.zeroes(offset, length);
                zeroBytes += length;
            } else {
                out.data(offset, now.slice(now.position() + from, length));
                dataBytes += length;
            }
        }
    }
}
