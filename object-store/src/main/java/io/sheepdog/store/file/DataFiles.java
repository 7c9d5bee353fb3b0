package io.sheepdog.store.file;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.RemovalListener;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data files of a store: one file per object at {@code obj/<xx>/<16 hex digits of the oid>}, where {@code xx}
 * is a byte of a hash of the oid, so that no directory holds more than 1/256 of the objects. A file holds the
 * object's bytes at their offsets; blocks that were never written are holes, discarded blocks keep stale bytes
 * (Java cannot punch holes), the index says which blocks count.
 *
 * <p>Open channels are kept in a bounded cache so that a request does not pay an open and a close.
 * Callers must {@link OpenFile#release()} what {@link #acquire} returned.
 */
final class DataFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataFiles.class);
    private static final int FAN_OUT = 256;

    private final Path root;
    private final Cache<Long, OpenFile> open;

    DataFiles(Path root, int maxOpenFiles) {
        this.root = root;
        RemovalListener<Long, OpenFile> onRemoval = n -> n.getValue().release();
        this.open = CacheBuilder.newBuilder().maximumSize(maxOpenFiles).removalListener(onRemoval).build();
    }

    /** Creates {@code root} and its fan-out directories, durably. */
    static void createLayout(Path root) throws IOException {
        Files.createDirectories(root);
        for (int i = 0; i < FAN_OUT; i++) {
            Files.createDirectories(root.resolve(fanOutName(i)));
        }
        syncDirectory(root);
        syncDirectory(root.toAbsolutePath().getParent());
    }

    Path path(long oid) {
        return root.resolve(fanOutName(fanOut(oid))).resolve(ObjectId.toString(oid));
    }

    /**
     * The open data file of {@code oid}, retained for the caller; with {@code create} false, null if the file does
     * not exist.
     */
    OpenFile acquire(long oid, boolean create) throws IOException {
        for (;;) {
            OpenFile file = open.getIfPresent(oid);
            if (file == null) {
                file = openFile(oid, create);
                if (file == null) {
                    return null;
                }
                OpenFile raced = open.asMap().putIfAbsent(oid, file);
                if (raced != null) {
                    file.release();
                    file = raced;
                }
            }
            if (file.retain()) {
                return file;
            }
            // Evicted and closed between the lookup and retain(): drop the dead entry and open again.
            open.asMap().remove(oid, file);
        }
    }

    /**
     * Gives back a file from {@link #acquire}. A channel found closed (a thread interrupted during I/O closes it for
     * every user) is dropped from the cache so the next request reopens the file.
     */
    void release(long oid, OpenFile file) {
        if (file == null) {
            return;
        }
        if (!file.channel().isOpen()) {
            open.asMap().remove(oid, file);
        }
        file.release();
    }

    /** Closes the file if open and removes it; a no-op if it does not exist. */
    void delete(long oid) throws IOException {
        open.invalidate(oid);
        Files.deleteIfExists(path(oid));
    }

    /** Fsyncs the directory holding the object's file, making its creation durable. */
    void syncDirectoryOf(long oid) throws IOException {
        syncDirectory(path(oid).getParent());
    }

    /** Calls {@code consumer} with the oid of every data file; files with other names are logged and skipped. */
    void forEachFile(LongConsumer consumer) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                if (!Files.isDirectory(dir)) {
                    LOG.warn("unexpected file {} in the object directory, left alone", dir);
                    continue;
                }
                try (Stream<Path> names = Files.list(dir)) {
                    for (Path file : (Iterable<Path>) names::iterator) {
                        Long oid = parse(file);
                        if (oid == null) {
                            LOG.warn("unexpected file {} in the object directory, left alone", file);
                        } else {
                            consumer.accept(oid);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        open.invalidateAll();
        open.cleanUp();
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private OpenFile openFile(long oid, boolean create) throws IOException {
        Path path = path(oid);
        try {
            return new OpenFile(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), false);
        } catch (NoSuchFileException e) {
            if (!create) {
                return null;
            }
        }
        try {
            return new OpenFile(FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), true);
        } catch (FileAlreadyExistsException e) {
            return new OpenFile(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), false);
        } catch (NoSuchFileException e) {
            throw new StoreException("fan-out directory " + path.getParent() + " of the store is missing", e);
        }
    }

    private Long parse(Path file) {
        String name = file.getFileName().toString();
        if (name.length() != 16 || !name.equals(name.toLowerCase(Locale.ROOT))) {
            return null;
        }
        try {
            long oid = ObjectId.parse(name);
            return path(oid).equals(file) ? oid : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String fanOutName(int i) {
        return String.format("%02x", i);
    }

    /** Layout version 1: the low byte of the murmur3 64-bit finaliser of the oid. Never change it. */
    static int fanOut(long oid) {
        long h = oid;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h & (FAN_OUT - 1));
    }
}
