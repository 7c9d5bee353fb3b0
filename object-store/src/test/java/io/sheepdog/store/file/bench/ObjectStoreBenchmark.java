package io.sheepdog.store.file.bench;

import io.sheepdog.store.LocalStore;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Partial reads and writes of whole 4 KiB-aligned ranges on a real {@link LocalStore} (a file per object, CRC32C and
 * versions in RocksDB), the store call each NBD request ends in on a replica. The objects are written in full
 * first, so every read checks checksums of allocated blocks and every write replaces allocated blocks (an
 * overwrite: read nothing, checksum the new data, one RocksDB batch, one positional file write). Nothing is
 * fsynced: that is the flush barrier's job, measured by the fio benchmarks. The data lives in the page cache
 * after the first touch, so the figures are the engine's CPU cost, not the disk's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ObjectStoreBenchmark {
    private static final int OBJECTS = 16;

    @Param({"4096", "65536"})
    public int size;

    private Path dir;
    private LocalStore store;
    private ObjectStore objects;
    private ByteBuffer src;
    private ByteBuffer dst;
    private SplittableRandom random;
    private long epoch = 1;

    @Setup(Level.Trial)
    public void setUp() throws IOException, StoreException {
        dir = Files.createTempDirectory("object-store-bench");
        store = LocalStore.open(dir.resolve("store"));
        objects = store.objects();
        ByteBuffer whole = ByteBuffer.allocateDirect(ObjectLayout.OBJECT_SIZE);
        random = new SplittableRandom(1);
        while (whole.hasRemaining()) {
            whole.put((byte) random.nextInt());
        }
        for (int i = 0; i < OBJECTS; i++) {
            objects.write(oid(i), 0, whole.flip(), epoch, false);
        }
        objects.flush();
        src = ByteBuffer.allocateDirect(size);
        while (src.hasRemaining()) {
            src.put((byte) random.nextInt());
        }
        dst = ByteBuffer.allocateDirect(size);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, StoreException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static long oid(int i) {
        return ObjectId.data(7, i);
    }

    /** A random object, and a random {@code size}-aligned offset in it. */
    private long offset() {
        return (long) random.nextInt(ObjectLayout.OBJECT_SIZE / size) * size;
    }

    @Benchmark
    public ByteBuffer read() throws StoreException {
        objects.read(oid(random.nextInt(OBJECTS)), offset(), dst.clear());
        return dst;
    }

    @Benchmark
    public Object overwrite() throws StoreException {
        return objects.write(oid(random.nextInt(OBJECTS)), offset(), src.clear(), epoch, false);
    }
}
