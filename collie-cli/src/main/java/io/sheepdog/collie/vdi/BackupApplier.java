package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiOps;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The work of {@code vdi restore}: applies the records of a {@link BackupStream} to a VDI with up to {@code window}
 * requests in flight. A stream's records never overlap (the reader checks), so they may complete in any order.
 * Data records are written; zero records are discarded ({@link VdiOps#zero} with discard): the range reads zeroes
 * and takes no space, and an object a record covers whole is unmapped. A sheep without that operation
 * ({@code NOT_SUPPORTED}) gets the zeroes written as data instead. Adjacent records of one kind within one object go
 * as one request. Memory stays bounded: {@code window} requests of at most one object each.
 */
final class BackupApplier {
    private final VdiOps vdis;
    private final int window;
    private volatile boolean zeroUnsupported;

    BackupApplier(VdiOps vdis, int window) {
        this.vdis = vdis;
        this.window = window;
    }

    /** What a restore applied. */
    record Totals(long records, long dataBytes, long zeroBytes) {
    }

    /**
     * Applies every record of {@code in} to VDI {@code vid}, telling {@code progress} how far through the VDI the
     * records have come. Waits for every request before it returns or throws; does not flush.
     *
     * @throws IOException the stream is damaged or truncated; every record before the damage has been applied
     */
    Totals apply(int vid, BackupStream.Reader in, VdiTransfer.Progress progress) throws SheepException, IOException {
        Run run = new Run(vid);
        try (RequestWindow<Void> requests = RequestWindow.ofWrites(window)) {
            try {
                progress.done(0, in.size());
                for (BackupStream.Record r = in.next(); r != null; r = in.next()) {
                    if (!run.extend(r)) {
                        run.submit(requests);
                        run.start(r);
                    }
                    progress.done(r.end(), in.size());
                }
                run.submit(requests);
            } catch (IOException e) {
                // Apply what came before the damage, so the message's count of applied records holds.
                run.submit(requests);
                requests.awaitAll();
                throw e;
            }
            requests.awaitAll();
            progress.done(in.size(), in.size());
            return new Totals(in.records(), run.dataBytes, run.zeroBytes);
        }
    }

    private CompletableFuture<Void> write(int vid, long offset, byte[] bytes) {
        ByteBuf data = Unpooled.wrappedBuffer(bytes);
        CompletableFuture<Void> done = vdis.write(vid, offset, data, false);
        // The client keeps its own reference while sending; ours goes when the write is done.
        done.whenComplete((v, t) -> data.release());
        return done;
    }

    private CompletableFuture<Void> zero(int vid, long offset, int length) {
        if (zeroUnsupported) {
            return write(vid, offset, new byte[length]);
        }
        return vdis.zero(vid, offset, length, true, false).exceptionallyCompose(t -> {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (cause instanceof SheepException se && se.result() == ResultCode.NOT_SUPPORTED) {
                zeroUnsupported = true;
                return write(vid, offset, new byte[length]);
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** Records of one kind that follow each other within one object, gathered into one request. */
    private final class Run {
        private final int vid;
        private final List<byte[]> parts = new ArrayList<>();
        private int kind = BackupStream.END;
        private long offset;
        private int length;
        long dataBytes;
        long zeroBytes;

        Run(int vid) {
            this.vid = vid;
        }

        boolean extend(BackupStream.Record r) {
            if (r.kind() != kind || r.offset() != offset + length
                    || offset / VdiTransfer.OBJECT_SIZE != (r.end() - 1) / VdiTransfer.OBJECT_SIZE) {
                return false;
            }
            length += r.length();
            if (r.data() != null) {
                parts.add(r.data());
            }
            return true;
        }

        void start(BackupStream.Record r) {
            kind = r.kind();
            offset = r.offset();
            length = r.length();
            if (r.data() != null) {
                parts.add(r.data());
            }
        }

        void submit(RequestWindow<Void> requests) throws SheepException {
            if (kind == BackupStream.END) {
                return;
            }
            requests.makeRoom();
            CompletableFuture<Void> request;
            if (kind == BackupStream.ZEROES) {
                request = zero(vid, offset, length);
                zeroBytes += length;
            } else {
                request = write(vid, offset, parts.size() == 1 ? parts.get(0) : concat());
                dataBytes += length;
            }
            kind = BackupStream.END;
            parts.clear();
            requests.add(request);
        }

        private byte[] concat() {
            byte[] all = new byte[length];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        }
    }
}
