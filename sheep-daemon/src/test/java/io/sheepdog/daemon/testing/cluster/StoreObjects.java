package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.store.ObjectId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The objects a store directory holds on disk, read straight from its files: the file engine keeps object
 * {@code oid} in {@code STORE/obj/<xx>/<16 hex digits of oid>}. Looking at the files, not asking the daemon, shows
 * where the replicas really are. Call it on a running or stopped node; an object removed concurrently may or may
 * not be seen.
 */
public final class StoreObjects {
    private static final Pattern OBJECT_FILE = Pattern.compile("[0-9a-f]{16}");

    private StoreObjects() {
    }

    /** The ids of every object file under {@code storeDir/obj}, in unsigned order; empty if there is none. */
    public static Set<Long> of(Path storeDir) {
        Path root = storeDir.resolve("obj");
        Set<Long> oids = new TreeSet<>(Long::compareUnsigned);
        if (!Files.isDirectory(root)) {
            return oids;
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(name -> OBJECT_FILE.matcher(name).matches())
                    .forEach(name -> oids.add(ObjectId.parse(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the objects of " + storeDir, e);
        }
        return oids;
    }

    /** The ids of the objects of VDI {@code vid} (its inode and data objects) under {@code storeDir}. */
    public static Set<Long> ofVdi(Path storeDir, int vid) {
        Set<Long> oids = of(storeDir);
        oids.removeIf(oid -> ObjectId.vid(oid) != vid);
        return oids;
    }

    /**
     * The data file of object {@code oid} under {@code storeDir/obj}, for tests that damage a store on disk.
     *
     * @throws AssertionError if the store has no file for it
     */
    public static Path file(Path storeDir, long oid) {
        String name = ObjectId.toString(oid);
        try (Stream<Path> files = Files.walk(storeDir.resolve("obj"), 2)) {
            return files.filter(f -> f.getFileName().toString().equals(name) && Files.isRegularFile(f)).findFirst()
                    .orElseThrow(() -> new AssertionError("no file of object " + name + " under " + storeDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the objects of " + storeDir, e);
        }
    }

    /**
     * Damages object {@code oid} in the store on disk: flips one bit of the byte at {@code offset} of its data file
     * (blocks lie at their offset in the object), so the block holding it fails its checksum. A running daemon sees
     * the change at once.
     */
    public static void flipByte(Path storeDir, long oid, long offset) {
        try (FileChannel ch = FileChannel.open(file(storeDir, oid), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot damage object " + ObjectId.toString(oid) + " in " + storeDir, e);
        }
    }
}
