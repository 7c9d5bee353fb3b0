package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.QemuIo;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code sheepdog:diff:REF} NBD metadata contexts on two daemon processes, through real NBD clients: nbdinfo
 * maps exactly the objects written between two snapshots (whichever node wrote them and whichever node answers),
 * lists the contexts, and a python3-libnbd client that reads only the changed extents (the example of
 * docs/architecture.md, section NBD) turns a copy of one snapshot into a copy of the next.
 */
@Tag("cluster")
class SnapshotDiffIT {
    private static final long MB = 1 << 20;
    private static final long OBJECT = 4 * MB;
    private static final long SIZE = 16 * OBJECT;
    private static final String NAME = "dora";

    /** The python3-libnbd example of docs/architecture.md: applies the changed extents of URI onto FILE. */
    static final String READ_CHANGED = """
            import nbd, sys
            uri, context, path = sys.argv[1:4]      # nbd://host:10809/alice@tue sheepdog:diff:mon mon.raw
            h = nbd.NBD()
            h.add_meta_context(context)
            h.connect_uri(uri)
            if not h.can_meta_context(context):
                sys.exit(context + " is not offered")
            size, pos, changed = h.get_size(), 0, []
            while pos < size:
                seen = []
                def extents(ctx, offset, entries, err):
                    if ctx == context:
                        seen.extend(entries)
                    return 0
                h.block_status(min(size - pos, 1 << 30), pos, extents)
                for length, flags in zip(seen[0::2], seen[1::2]):
                    length = min(length, size - pos)
                    if flags & 1:
                        changed.append((pos, length))
                    pos += length
            with open(path, "r+b") as f:
                for offset, length in changed:
                    for o in range(offset, offset + length, 4 << 20):
                        f.seek(o)
                        f.write(h.pread(min(4 << 20, offset + length - o), o))
                    print("changed", offset, length)
            h.shutdown()
            """;

    @TempDir
    static Path work;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        assumeTrue(ExternalCommand.isOnPath("nbdinfo"), "nbdinfo (libnbd-bin) is not installed");
        cluster = ProcessCluster.builder(work).nodes(2).copies(2).start();
        cluster.client(0).create(NAME, SIZE, 0);
        cluster.awaitVdi(NAME);
        // objects 0 and 2, snapshot a, objects 2 and 5 (through the other node), snapshot b
        qemuIo(0, "write -P 0x11 0 64k");
        qemuIo(0, "write -P 0x12 8M 4k");
        cluster.client(1).snapshot(NAME, "a");
        qemuIo(1, "write -P 0x22 9M 4k");
        qemuIo(1, "write -P 0x25 20M 4k");
        cluster.client(0).snapshot(NAME, "b");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void nbdinfoMapsExactlyTheObjectsWrittenBetweenTwoSnapshots() {
        assertThat(changedObjects(0, "sheepdog:diff:a", NAME + "@b")).containsExactly(2, 5);
        assertThat(changedObjects(1, "sheepdog:diff:a", NAME + "@b")).containsExactly(2, 5);
        assertThat(changedObjects(1, "sheepdog:diff:", NAME + "@b")).as("against b's parent, a")
                .containsExactly(2, 5);
        assertThat(changedObjects(0, "sheepdog:diff:1", NAME + "@2")).as("snapshots by number")
                .containsExactly(2, 5);
        assertThat(changedObjects(0, "sheepdog:diff:", NAME + "@a")).as("a has no parent: all it holds")
                .containsExactly(0, 2);
        assertThat(changedObjects(1, "sheepdog:diff:b", NAME)).as("nothing written since b").isEmpty();
        assertThat(changedObjects(1, "sheepdog:diff:a", NAME)).containsExactly(2, 5);
    }

    @Test
    void theContextsAreListedAndAnUnknownOneIsNotOffered() {
        CommandResult info = ExternalCommand.of("nbdinfo", cluster.endpoint(1).nbdUri(NAME + "@b")).run();
        assertThat(info.exitCode()).as(info.describe()).isZero();
        assertThat(info.output()).as(info.describe()).contains("base:allocation").contains("sheepdog:diff:\n")
                .contains("sheepdog:diff:a\n").contains("sheepdog:diff:b\n");

        String script = """
                import nbd, sys
                h = nbd.NBD()
                h.set_opt_mode(True)
                h.connect_uri(sys.argv[1])
                names = []
                for query in sys.argv[2:]:
                    h.clear_meta_contexts()
                    h.add_meta_context(query)
                    h.opt_list_meta_context(lambda name: names.append(query + " -> " + name) or 0)
                h.opt_abort()
                print("\\n".join(names))
                """;
        if (ExternalCommand.hasPythonLibnbd()) {
            CommandResult listed = ExternalCommand.python(script, cluster.endpoint(0).nbdUri(NAME + "@b"),
                    "sheepdog:", "sheepdog:diff:b", "sheepdog:diff:nope", "base:").run();
            assertThat(listed.exitCode()).as(listed.describe()).isZero();
            assertThat(listed.stdout().lines()).containsExactly("sheepdog: -> sheepdog:diff:",
                    "sheepdog: -> sheepdog:diff:a", "sheepdog: -> sheepdog:diff:b",
                    "sheepdog:diff:b -> sheepdog:diff:b", "base: -> base:allocation");
        }

        CommandResult unknown = ExternalCommand.of("nbdinfo", "--map=sheepdog:diff:nope",
                cluster.endpoint(0).nbdUri(NAME + "@b")).run();
        assertThat(unknown.exitCode()).as(unknown.describe()).isNotZero();
    }

    @Test
    void aLibnbdClientReadingOnlyTheChangedExtentsTurnsACopyOfAIntoACopyOfB() throws Exception {
        assumeTrue(ExternalCommand.hasPythonLibnbd(), "python3-libnbd is not installed");
        Path copy = work.resolve("dora-a.raw");
        CommandResult full = ExternalCommand.of("qemu-img", "convert", "-f", "raw", "-O", "raw",
                cluster.endpoint(0).nbdUri(NAME + "@a"), copy.toString()).run();
        assertThat(full.exitCode()).as(full.describe()).isZero();
        assertThat(byteAt(copy, 9 * MB)).isZero();

        CommandResult applied = ExternalCommand.python(READ_CHANGED, cluster.endpoint(1).nbdUri(NAME + "@b"),
                "sheepdog:diff:a", copy.toString()).run();
        assertThat(applied.exitCode()).as(applied.describe()).isZero();
        assertThat(applied.stdout().lines()).containsExactly("changed " + 2 * OBJECT + " " + OBJECT,
                "changed " + 5 * OBJECT + " " + OBJECT);
        assertThat(byteAt(copy, 9 * MB)).isEqualTo((byte) 0x22);
        CommandResult same = ExternalCommand.of("qemu-img", "compare", "-f", "raw", "-F", "raw", copy.toString(),
                cluster.endpoint(0).nbdUri(NAME + "@b")).run();
        assertThat(same.exitCode()).as(same.describe()).isZero();
    }

    /**
     * Runs {@code nbdinfo --map=CONTEXT} on {@code export} through node {@code node}; checks the extents cover the
     * export in whole objects, and returns the indexes of the objects flagged changed (flag bit 0).
     */
    private static List<Integer> changedObjects(int node, String context, String export) {
        CommandResult map = ExternalCommand.of("nbdinfo", "--map=" + context, cluster.endpoint(node).nbdUri(export))
                .run();
        assertThat(map.exitCode()).as(map.describe()).isZero();
        List<Integer> changed = new ArrayList<>();
        long next = 0;
        for (String line : map.stdout().strip().split("\n")) {
            String[] f = line.strip().split("\\s+");
            long offset = Long.parseLong(f[0]);
            long length = Long.parseLong(f[1]);
            long flags = Long.parseLong(f[2]);
            assertThat(offset).as("%s: consecutive extents", map.describe()).isEqualTo(next);
            assertThat(length % OBJECT).as("%s: whole objects", map.describe()).isZero();
            assertThat(flags).as("%s: flags", map.describe()).isBetween(0L, 1L);
            for (long p = offset; p < offset + length && flags == 1; p += OBJECT) {
                changed.add((int) (p / OBJECT));
            }
            next = offset + length;
        }
        assertThat(next).as(map.describe()).isEqualTo(SIZE);
        return changed;
    }

    private static byte byteAt(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(offset);
            return f.readByte();
        }
    }

    private static void qemuIo(int node, String command) {
        QemuIo.run(cluster, NAME, node, false, command);
    }
}
