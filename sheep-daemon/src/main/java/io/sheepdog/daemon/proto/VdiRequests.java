package io.sheepdog.daemon.proto;

/**
 * The JSON payloads of the VDI lifecycle requests ({@link Opcode#VDI_SNAPSHOT} and the ones after it): one record
 * each, encoded with {@link SheepJson}. A snapshot is named as {@code -s} names it (a tag, or a number in digits).
 */
public final class VdiRequests {

    private VdiRequests() {
    }

    /** Snapshot the working VDI {@code name} as {@code tag} (empty: untagged). */
    public record Snapshot(String name, String tag) {
    }

    /** Clone snapshot {@code snapshot} of {@code source} as the new VDI {@code name}. */
    public record Clone(String source, String snapshot, String name) {
    }

    /** Return the working VDI {@code name} to its snapshot {@code snapshot}. */
    public record Rollback(String name, String snapshot) {
    }

    /** Give the working VDI {@code name} {@code size} bytes; shrinking needs {@code force}. */
    public record Resize(String name, long size, boolean force) {
    }

    /** Delete snapshot {@code snapshot} of {@code name}. */
    public record DeleteSnapshot(String name, String snapshot) {
    }

    /** Let the write lock of {@code name} move to node {@code toNode} (host:port; empty: cancel). */
    public record MigrateLock(String name, String toNode) {
    }
}
