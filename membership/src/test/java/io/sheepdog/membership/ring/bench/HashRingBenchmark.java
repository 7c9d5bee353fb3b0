package io.sheepdog.membership.ring.bench;

import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.ring.HashRing;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ring's hot path: every object request the gateway routes looks up its replicas, and every epoch change builds
 * a new ring. Nodes have 128 vnodes (the weight of a 1 TiB store) and zones of their own; object ids are random
 * data objects, cycled from a table larger than the CPU caches hold per probe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HashRingBenchmark {
    private static final int VNODES = 128;
    private static final int OIDS = 1 << 16;

    @Param({"10", "100", "1000"})
    public int nodes;

    @Param({"3"})
    public int copies;

    private List<NodeAddress> members;
    private HashRing ring;
    private long[] oids;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        members = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            members.add(new NodeAddress(new NodeId(random.nextLong()), "10.0." + (i >> 8) + "." + (i & 255), 7000,
                    10809, i, VNODES));
        }
        ring = new HashRing(members);
        oids = new long[OIDS];
        for (int i = 0; i < OIDS; i++) {
            // a data object: 24-bit VDI id in bits 32-55, object index below
            oids[i] = ((long) (1 + random.nextInt(0xFF_FFFF)) << 32) | random.nextInt(1 << 20);
        }
    }

    /** One placement: the replica indexes of an object (what the gateway does per request). */
    @Benchmark
    public int[] lookup() {
        next = (next + 1) & (OIDS - 1);
        return ring.placementIndexes(oids[next], copies);
    }

    /** Building the ring of a new epoch from its members. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public HashRing build() {
        return new HashRing(members);
    }
}
