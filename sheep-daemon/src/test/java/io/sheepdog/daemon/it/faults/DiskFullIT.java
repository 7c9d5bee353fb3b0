package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.store.LocalStoreConfig;
import io.sheepdog.store.SmallTmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node's disk fills up: node 2's store lies on a small tmpfs ({@link SmallTmpfs}; needs root, skipped
 * elsewhere), the others' on the ordinary disk. With copies = 3 on three nodes every object needs a replica on node
 * 2, so once its store refuses to allocate (free space at the reserve) each write that needs new space fails.
 * python3-libnbd writes through node 0 and records, write by write, what was acknowledged and with which errno the
 * others failed:
 * <ul>
 * <li>the client gets ENOSPC at once, not a hang and not a bare EIO;</li>
 * <li>everything acknowledged reads back intact through every node, the full one included;</li>
 * <li>the full node's daemon stays up, says in its log that its store is full, and reports no free space;</li>
 * <li>deleting a VDI frees space, and writes that failed then succeed.</li>
 * </ul>
 */
@Tag("cluster")
@Tag("slow")
class DiskFullIT {
    private static final int FULL_NODE = 2;
    private static final long MIB = 1L << 20;
    /**
     * Room for objects: the size less the store's reserve (64 MiB) and what the metadata takes (RocksDB preallocates
     * some 70 MiB for its log), so about 40 MiB: the spare VDI fits, the data VDI does not.
     */
    private static final String TMPFS_SIZE = "176m";
    private static final long SPARE_SIZE = 16 * MIB;
    private static final long DATA_SIZE = 64 * MIB;
    private static final int CHUNK = (int) MIB;

    /** Writes 1 MiB chunks of seeded random data, one line per chunk: "ok OFFSET" or "err OFFSET ERRNO-NAME MESSAGE". */
    private static final String WRITE = """
            import errno, nbd, random, sys
            uri, seed, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
            h = nbd.NBD()
            h.connect_uri(uri)
            for off in map(int, sys.argv[4:]):
                data = random.Random(seed + ":" + str(off)).randbytes(chunk)
                try:
                    h.pwrite(data, off)
                    print("ok", off, flush=True)
                except nbd.Error as e:
                    print("err", off, errno.errorcode.get(e.errno, e.errno), e.string.replace("\\n", " "), flush=True)
            h.flush()
            h.shutdown()
            """;

    /** Reads each chunk back and prints "bad OFFSET" for every one that differs from what WRITE wrote there. */
    private static final String VERIFY = """
            import nbd, random, sys
            uri, seed, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
            h = nbd.NBD()
            h.connect_uri(uri)
            bad = 0
            for off in map(int, sys.argv[4:]):
                if h.pread(chunk, off) != random.Random(seed + ":" + str(off)).randbytes(chunk):
                    print("bad", off, flush=True)
                    bad += 1
            h.shutdown()
            print("verified", len(sys.argv) - 4 - bad, "bad", bad)
            sys.exit(1 if bad else 0)
            """;

    @RegisterExtension
    final SmallTmpfs tmpfs = new SmallTmpfs(TMPFS_SIZE);

    /** Kept when the test fails: the daemons' logs are in node<i>/sheep.log*. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aFullNodeFailsWritesWithEnospcLosesNothingAndTakesWritesAgainOnceSpaceIsFreed() throws Exception {
        assumeTrue(ExternalCommand.hasPythonLibnbd(), "python3-libnbd is not installed");
        String seed = Long.toString(System.nanoTime());
        System.out.println("random seed " + seed);
        // ProcessCluster keeps node i's store in WORK/node<i>/store: that of the full node is on the tmpfs.
        Path store = Files.createDirectories(tmpfs.path().resolve("store"));
        Files.createSymbolicLink(Files.createDirectories(work.resolve("node" + FULL_NODE)).resolve("store"), store);

        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3).start()) {
            cluster.client(0).create("spare", SPARE_SIZE, 0);
            cluster.client(0).create("data", DATA_SIZE, 0);
            cluster.awaitVdi("data");
            long room = Files.getFileStore(store).getUsableSpace() - LocalStoreConfig.DEFAULT_RESERVED_FREE_BYTES;
            System.out.println("room for objects on node " + FULL_NODE + ": " + room / MIB + " MiB");
            Writes spare = write(cluster, "spare", seed, chunks(SPARE_SIZE));
            assertThat(spare.failed).as("writes of the VDI that fits in %d MiB: %s", room / MIB,
                    spare.result.describe()).isEmpty();
            Writes data = write(cluster, "data", seed, chunks(DATA_SIZE));
            assertThat(data.result.timedOut()).as(data.result.describe()).isFalse();
            assertThat(data.failed).as("writes refused by the full node").isNotEmpty();
            assertThat(data.acknowledged).as("writes acknowledged before it filled up").isNotEmpty();
            assertThat(data.errors).as("what the client was told").allMatch(e -> e.contains("ENOSPC"));

            assertThat(cluster.sheep(FULL_NODE).isAlive()).as("the full node's daemon").isTrue();
            assertThat(cluster.sheep(FULL_NODE).log()).as("node %d's log", FULL_NODE)
                    .contains("WARN StoreFullLog - store is full: refusing writes");
            // Nodes publish their space every few seconds: wait until node 0 hears that node 2 has none left.
            Poll.until("node " + FULL_NODE + " reported full", cluster.awaitTimeout(), whyNot -> {
                long free = fullNode(cluster).freeBytes();
                whyNot.append(free).append(" bytes free");
                return free < 4 * MIB ? Optional.of(free) : Optional.empty();
            });
            verifyThroughEach(cluster, "spare", seed, spare.acknowledged);
            verifyThroughEach(cluster, "data", seed, data.acknowledged);

            // Deleting the spare VDI frees 16 MiB on the full node: the first 8 MiB of refused writes fit now.
            cluster.client(1).delete("spare");
            Writes retry = write(cluster, "data", seed, data.failed);
            assertThat(retry.acknowledged).as("refused writes retried once the spare VDI is deleted: %s",
                    retry.result.describe()).containsAll(data.failed.subList(0, Math.min(8, data.failed.size())));
            assertThat(retry.errors).allMatch(e -> e.contains("ENOSPC"));
            List<Long> acknowledged = new ArrayList<>(data.acknowledged);
            acknowledged.addAll(retry.acknowledged);
            verifyThroughEach(cluster, "data", seed, acknowledged);
        }
    }

    private static NodeInfo fullNode(ProcessCluster cluster) throws Exception {
        int port = cluster.endpoint(FULL_NODE).port();
        return cluster.client(0).nodes().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    private static List<Long> chunks(long size) {
        List<Long> offsets = new ArrayList<>();
        for (long off = 0; off < size; off += CHUNK) {
            offsets.add(off);
        }
        return offsets;
    }

    /** What a WRITE run printed: the offsets acknowledged, those refused, and the refusals' errors. */
    private record Writes(CommandResult result, List<Long> acknowledged, List<Long> failed, List<String> errors) {
    }

    private static Writes write(ProcessCluster cluster, String vdi, String seed, List<Long> offsets) {
        CommandResult r = python(WRITE, cluster.endpoint(0).nbdUri(vdi), seed, offsets);
        assertThat(r.exitCode()).as("the NBD client (the final flush included): %s", r.describe()).isZero();
        Writes w = new Writes(r, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (String line : r.stdout().split("\\R")) {
            String[] f = line.split(" ", 4);
            if (f[0].equals("ok")) {
                w.acknowledged.add(Long.parseLong(f[1]));
            } else if (f[0].equals("err")) {
                w.failed.add(Long.parseLong(f[1]));
                w.errors.add(line);
            }
        }
        assertThat(w.acknowledged.size() + w.failed.size()).as("writes reported: %s", r.describe())
                .isEqualTo(offsets.size());
        System.out.println(vdi + ": " + w.acknowledged.size() + " writes acknowledged, " + w.failed.size()
                + " refused" + (w.errors.isEmpty() ? "" : ", first: " + w.errors.get(0)));
        return w;
    }

    private static void verifyThroughEach(ProcessCluster cluster, String vdi, String seed, List<Long> offsets) {
        for (int node = 0; node < cluster.size(); node++) {
            CommandResult r = python(VERIFY, cluster.endpoint(node).nbdUri(vdi), seed, offsets);
            assertThat(r.exitCode()).as("%s read back through node %d: %s", vdi, node, r.describe()).isZero();
        }
    }

    private static CommandResult python(String script, String uri, String seed, List<Long> offsets) {
        List<String> args = new ArrayList<>(List.of(uri, seed, Integer.toString(CHUNK)));
        offsets.forEach(o -> args.add(Long.toString(o)));
        return ExternalCommand.python(script, args.toArray(String[]::new)).timeout(Duration.ofMinutes(2)).run();
    }
}
