package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.store.ChildJvm;
import io.sheepdog.store.LocalStore;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectOracle;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.SameBytes;
import io.sheepdog.store.TestBytes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store process killed with SIGKILL (or halted at a chosen step of a write) loses nothing flushed, and its
 * store reopens without any read failing.
 */
class CrashConsistencyIT {
    private static final Logger LOG = LoggerFactory.getLogger(CrashConsistencyIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void killedWriterKeepsEverythingFlushed() throws Exception {
        long seed = Long.getLong("store.seed", System.nanoTime());
        LOG.warn("crash test seed {} (rerun with -Dstore.seed={})", seed, seed);
        try (ChildJvm child = ChildJvm.start(CrashChild.class, "writer", dir.toString(), Long.toString(seed))) {
            child.awaitLine("FLUSHED", TIMEOUT);
            child.awaitLine(line -> line.equals("UNFLUSHED 300"), TIMEOUT);
            child.kill();
        }
        ObjectOracle expected = CrashWorkload.expected(seed);
        try (LocalStore store = LocalStore.open(dir)) {
            ObjectStore objects = store.objects();
            for (long oid : CrashWorkload.FLUSHED) {
                checkFlushedObject(objects, expected, oid, seed);
            }
            for (long oid : CrashWorkload.SCRATCH) {
                TestBytes.read(objects, oid, 0, OBJECT_SIZE); // must not throw
                objects.stat(oid);
            }
            // The store is fully usable again.
            objects.write(CrashWorkload.SCRATCH[0], 0, ByteBuffer.wrap(new byte[] {1}), 3, true);
        }
        try (LocalStore store = LocalStore.open(dir)) {
            for (long oid : CrashWorkload.FLUSHED) {
                checkFlushedObject(store.objects(), expected, oid, seed);
            }
        }
    }

    @ParameterizedTest(name = "halt at {0}, flushed before: {1}")
    @CsvSource({"INDEX_APPLIED, true", "INDEX_APPLIED, false", "DATA_WRITTEN, true", "DATA_WRITTEN, false"})
    void haltBetweenTheStepsOfAWrite(StepHook.Step step, boolean flushFirst) throws Exception {
        try (ChildJvm child = ChildJvm.start(CrashChild.class, "halt", dir.toString(), step.name(),
                Boolean.toString(flushFirst))) {
            assertThat(child.awaitExit(TIMEOUT)).isEqualTo(CrashChild.HALT_EXIT_CODE);
        }
        byte[] expected = new byte[4 * BLOCK_SIZE];
        System.arraycopy(CrashChild.OLD, 0, expected, 0, CrashChild.OLD.length);
        if (step == StepHook.Step.DATA_WRITTEN) {
            System.arraycopy(CrashChild.NEW, 0, expected, CrashChild.NEW_OFFSET, CrashChild.NEW.length);
        }
        try (LocalStore store = LocalStore.open(dir)) {
            ObjectStore objects = store.objects();
            long oid = CrashChild.HALT_OID;
            SameBytes.assertSameBytes(TestBytes.read(objects, oid, 0, expected.length), expected,
                    "after a halt at " + step);
            BitSet allocated = objects.allocation(oid);
            assertThat(allocated.cardinality()).isEqualTo(step == StepHook.Step.DATA_WRITTEN ? 4 : 2);
            assertThat(objects.stats().usedBytes()).isEqualTo(allocated.cardinality() * (long) BLOCK_SIZE);
            assertThat(objects.stat(oid).orElseThrow().version().sequence()).isGreaterThanOrEqualTo(1);
        }
    }

    private static void checkFlushedObject(ObjectStore objects, ObjectOracle expected, long oid, long seed)
            throws Exception {
        String context = "object " + ObjectId.toString(oid) + " (seed " + seed + ")";
        BitSet allocated = objects.allocation(oid);
        BitSet flushedAllocation = expected.allocation(oid);
        BitSet missing = (BitSet) flushedAllocation.clone();
        missing.andNot(allocated);
        assertThat(missing).as(context + ": flushed blocks no longer allocated").isEqualTo(new BitSet());
        int stamped = 0;
        for (int b = 0; b < CrashWorkload.CHECKED_BLOCKS; b++) {
            byte[] actual = TestBytes.read(objects, oid, (long) b * BLOCK_SIZE, BLOCK_SIZE);
            byte[] flushed = expected.read(oid, (long) b * BLOCK_SIZE, BLOCK_SIZE);
            if (CrashWorkload.isStamp(actual, oid, b)) {
                stamped++;
            } else if (!Arrays.equals(actual, flushed)) {
                SameBytes.assertSameBytes(actual, flushed, context + " block " + b + ", neither flushed nor stamped");
            }
        }
        LOG.info("{}: {} blocks hold unflushed stamps", context, stamped);
    }
}
