package io.sheepdog.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.PythonNbd;
import io.sheepdog.daemon.testing.process.PythonNbd.Durability;
import io.sheepdog.daemon.testing.process.PythonNbd.Extent;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writes the daemon acknowledged as durable survive kill -9: seeded random data is written through NBD by
 * python3-libnbd, made durable by one NBD_CMD_FLUSH or by NBD_CMD_FLAG_FUA on every write, the client vanishes
 * without a disconnect and the daemon is killed with SIGKILL; after a restart on the same store the data reads back
 * byte for byte and the VDI is still listed.
 *
 * <p>kill -9 keeps the kernel's page cache, so this proves that acknowledged data had reached the store's files (no
 * user-space buffering, nothing lost in the daemon's memory), not that it had reached the disk platter.
 */
class FlushDurabilityIT {
    private static final long MIB = 1L << 20;
    private static final String VDI = "durable";
    private static final long SIZE = 64 * MIB;
    /** Offsets and lengths: the start, across the first 4 MiB object boundary, odd ones, the very end. */
    private static final long[][] EXTENTS = {
        {0, MIB + 17}, {4 * MIB - 4096, 8192}, {33 * MIB + 511, 100_000}, {SIZE - 4096, 4096}};

    @TempDir
    Path work;

    @BeforeAll
    static void needPythonLibnbd() {
        assumeTrue(ExternalCommand.hasPythonLibnbd(), "python3-libnbd (import nbd in /usr/bin/python3) missing");
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void acknowledgedWritesSurviveKill9(Durability durability) throws IOException, SheepException {
        long seed = System.nanoTime();
        System.out.println("acknowledgedWritesSurviveKill9(" + durability + ") seed=" + seed);
        try (SheepProcess sheep = SheepProcess.start(work.resolve("sheep"))) {
            try (SheepClient client = connect(sheep)) {
                client.format(1, false, false);
                client.create(VDI, SIZE, 0);
            }
            List<byte[]> written = new ArrayList<>();
            List<Extent> extents = new ArrayList<>();
            Random random = new Random(seed);
            for (long[] e : EXTENTS) {
                byte[] data = new byte[(int) e[1]];
                random.nextBytes(data);
                written.add(data);
                extents.add(new Extent(Files.write(work.resolve("w-" + e[0]), data), e[0], data.length));
            }
            CommandResult w = PythonNbd.write(sheep.nbdUri(VDI), durability, extents);
            assertThat(w.exitCode()).as(w.describe()).isZero();
            assertThat(w.stdout()).contains("acknowledged");

            sheep.kill9();
            sheep.restart();

            List<Extent> reads = new ArrayList<>();
            for (Extent e : extents) {
                reads.add(new Extent(work.resolve("r-" + e.offset()), e.offset(), e.length()));
            }
            CommandResult r = PythonNbd.read(sheep.nbdUri(VDI), reads);
            assertThat(r.exitCode()).as(r.describe()).isZero();
            for (int i = 0; i < reads.size(); i++) {
                assertThat(Files.readAllBytes(reads.get(i).file()))
                        .as("%d bytes at offset %d after kill -9 (%s, seed %d)", written.get(i).length,
                                reads.get(i).offset(), durability, seed)
                        .isEqualTo(written.get(i));
            }
            try (SheepClient client = connect(sheep)) {
                assertThat(client.list()).extracting(VdiInfo::name, VdiInfo::size).contains(Tuple.tuple(VDI, SIZE));
            }
            assertThat(sheep.log()).as("Netty leak reports in the daemon log").doesNotContain("LEAK:");
        }
    }

    private static SheepClient connect(SheepProcess sheep) throws SheepException {
        return SheepClient.connect(sheep.host(), sheep.port(), Duration.ofSeconds(30));
    }
}
