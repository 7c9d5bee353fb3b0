package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;

import io.sheepdog.store.LocalStore;
import io.sheepdog.store.LocalStoreConfig;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.TestBytes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of the multi-process tests; prints its progress on standard output. Modes:
 *
 * <ul>
 *   <li>{@code writer <dir> <seed>}: {@link CrashWorkload} phase 1, flush, "FLUSHED", then phase 2 for ever,
 *       printing "UNFLUSHED n" every 50 operations (the parent kills it);</li>
 *   <li>{@code halt <dir> <step> <flushFirst>}: writes {@link #OLD}, optionally flushes, then halts the JVM at
 *       {@code step} of the next write ({@link #NEW} at {@link #NEW_OFFSET});</li>
 *   <li>{@code hold <dir>}: opens the store, prints "OPEN", and closes it when standard input ends.</li>
 * </ul>
 */
public final class CrashChild {
    static final long HALT_OID = CrashWorkload.FLUSHED[0];
    static final byte[] OLD = TestBytes.random(11, 2 * BLOCK_SIZE);
    static final byte[] NEW = TestBytes.random(12, 2 * BLOCK_SIZE);
    static final int NEW_OFFSET = BLOCK_SIZE + 100;
    static final int HALT_EXIT_CODE = 3;
    private static final long MAX_RUN_NANOS = 120_000_000_000L;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        LocalStoreConfig config = LocalStoreConfig.defaults().withReservedFreeBytes(0);
        switch (args[0]) {
            case "writer" -> writer(LocalStore.open(dir, config), Long.parseLong(args[2]));
            case "halt" -> halt(LocalStore.open(dir, config), StepHook.Step.valueOf(args[2]),
                    Boolean.parseBoolean(args[3]));
            case "hold" -> hold(LocalStore.open(dir, config));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void writer(LocalStore store, long seed) throws Exception {
        ObjectStore objects = store.objects();
        for (CrashWorkload.Op op : CrashWorkload.phase1(seed)) {
            op.applyTo(objects);
        }
        objects.flush();
        System.out.println("FLUSHED");
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long start = System.nanoTime();
        for (long n = 1; System.nanoTime() - start < MAX_RUN_NANOS; n++) {
            if (r.nextBoolean()) {
                long oid = CrashWorkload.FLUSHED[r.nextInt(CrashWorkload.FLUSHED.length)];
                int first = r.nextInt(CrashWorkload.CHECKED_BLOCKS - 4);
                int count = 1 + r.nextInt(4);
                ByteBuffer data = ByteBuffer.allocate(count * BLOCK_SIZE);
                for (int b = first; b < first + count; b++) {
                    data.put(CrashWorkload.stamp(oid, b, n));
                }
                objects.write(oid, (long) first * BLOCK_SIZE, data.flip(), 2, false);
            } else {
                long oid = CrashWorkload.SCRATCH[r.nextInt(CrashWorkload.SCRATCH.length)];
                long offset = r.nextInt(OBJECT_SIZE - 3 * BLOCK_SIZE);
                int length = 1 + r.nextInt(3 * BLOCK_SIZE);
                if (r.nextInt(5) == 0) {
                    objects.zero(oid, offset, length, true, 2, false);
                } else {
                    // Now and then a FUA write: it syncs the shared write-ahead log but only this object's file.
                    objects.write(oid, offset, ByteBuffer.wrap(TestBytes.random(n, length)), 2, r.nextInt(20) == 0);
                }
            }
            if (n % 50 == 0) {
                System.out.println("UNFLUSHED " + n);
            }
        }
        Runtime.getRuntime().halt(1); // never killed: give up without closing
    }

    private static void halt(LocalStore store, StepHook.Step step, boolean flushFirst) throws Exception {
        FileObjectStore objects = (FileObjectStore) store.objects();
        objects.write(HALT_OID, 0, ByteBuffer.wrap(OLD), 1, false);
        if (flushFirst) {
            objects.flush();
        }
        objects.stepHook((reached, oid) -> {
            if (reached == step) {
                System.out.flush();
                Runtime.getRuntime().halt(HALT_EXIT_CODE);
            }
        });
        objects.write(HALT_OID, NEW_OFFSET, ByteBuffer.wrap(NEW), 2, false);
        throw new AssertionError("the hook should have halted the JVM");
    }

    private static void hold(LocalStore store) throws Exception {
        System.out.println("OPEN");
        while (System.in.read() >= 0) {
            // wait for the parent to close our input
        }
        store.close();
    }
}
