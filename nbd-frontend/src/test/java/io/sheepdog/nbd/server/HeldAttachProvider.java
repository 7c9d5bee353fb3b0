package io.sheepdog.nbd.server;

import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.NbdClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Another provider's exports, except that every attach returns a future the test completes, from any thread. */
final class HeldAttachProvider implements ExportProvider {

    /** One attach: what was asked for, by whom, and the future handed back. */
    record Attach(String name, NbdClient client, CompletableFuture<Optional<BlockDevice>> future) {
    }

    private final ExportProvider exports;
    final List<Attach> calls = new CopyOnWriteArrayList<>();

    HeldAttachProvider(ExportProvider exports) {
        this.exports = exports;
    }

    @Override
    public Optional<BlockDevice> open(String name) {
        return exports.open(name);
    }

    @Override
    public List<ExportDescription> list() {
        return exports.list();
    }

    @Override
    public CompletableFuture<Optional<BlockDevice>> attach(String name, NbdClient client) {
        CompletableFuture<Optional<BlockDevice>> future = new CompletableFuture<>();
        calls.add(new Attach(name, client, future));
        return future;
    }

    /** Completes attach {@code index} with what the exports' {@link #open} gives for its name. */
    void open(int index) {
        Attach attach = calls.get(index);
        attach.future().complete(exports.open(attach.name()));
    }

    /** Fails attach {@code index}. */
    void fail(int index, Throwable cause) {
        calls.get(index).future().completeExceptionally(cause);
    }
}
