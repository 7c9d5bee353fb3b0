package io.sheepdog.daemon.testing.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Blocks whose content says what they are, for NBD clients that a fault interrupts: block {@code b} of generation
 * {@code g} starts with {@code b} and {@code g} (two little-endian 64-bit words) followed by bytes drawn from a
 * generator seeded with {@code (seed, b, g)}. A reader can therefore name the generation a block holds, or say that
 * it holds none (torn, stale from another block, or garbage), without keeping a copy of every generation.
 *
 * <p>The writer (python3-libnbd, several writes in flight) writes whole passes over the blocks, one generation per
 * pass, and journals every acknowledgement to a file line by line as it comes, so the journal survives the writer
 * and tells the test, after a server died under it, which writes were acknowledged and which were in flight
 * ({@link BlockJournal}). It stops after the last generation asked for, or at the first failed command.
 *
 * <pre>{@code
 * PatternedBlocks blocks = new PatternedBlocks(seed, 64 * 1024, 256);
 * blocks.write(uri0, Mode.FUA, 1, 0, journal).run();  // until the server goes away
 * int[] held = blocks.read(uri1);                     // the generation each block holds
 * BlockJournal.parse(journal).mismatches(held);       // empty: nothing acknowledged was lost
 * }</pre>
 */
public final class PatternedBlocks {
    /** How the writer makes its writes durable; it journals them accordingly. */
    public enum Mode {
        /** Every write carries NBD_CMD_FLAG_FUA: each is durable once acknowledged ("acked B G"). */
        FUA,
        /**
         * Plain writes ("written B G"), then one NBD_CMD_FLUSH per pass ("flushed G"): a write is durable once a
         * later flush is acknowledged.
         */
        FLUSH
    }

    /** Writes stay outstanding at once, so a fault finds several of them in flight. */
    public static final int DEPTH = 4;

    private static final String COMMON = """
            import nbd, random, struct, sys
            def pattern(seed, b, g, bs):
                return struct.pack("<QQ", b, g) + random.Random(f"{seed}/{b}/{g}").randbytes(bs - 16)
            """;

    private static final String WRITE = COMMON + """
            uri, seed, bs, blocks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            first, last, mode, depth = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], int(sys.argv[8])
            log = open(sys.argv[9], "a", buffering=1)
            h = nbd.NBD()
            h.connect_uri(uri)
            flags = nbd.CMD_FLAG_FUA if mode == "FUA" else 0
            word = "acked" if mode == "FUA" else "written"
            inflight = {}
            def retire():
                for cookie in list(inflight):
                    if h.aio_command_completed(cookie):
                        b, g, _ = inflight.pop(cookie)
                        log.write(f"{word} {b} {g}\\n")
            def drain(limit):
                retire()
                while len(inflight) > limit:
                    h.poll(-1)
                    retire()
            g = first
            try:
                while last == 0 or g <= last:
                    log.write(f"pass {g}\\n")
                    for b in range(blocks):
                        drain(depth - 1)
                        buf = nbd.Buffer.from_bytearray(bytearray(pattern(seed, b, g, bs)))
                        inflight[h.aio_pwrite(buf, b * bs, flags=flags)] = (b, g, buf)
                    drain(0)
                    if mode == "FLUSH":
                        h.flush()
                        log.write(f"flushed {g}\\n")
                    g += 1
            except nbd.Error as e:
                for b, gen, _ in inflight.values():
                    log.write(f"unacked {b} {gen}\\n")
                log.write(f"failed {e}\\n")
                print("failed:", e)
                sys.exit(0)
            log.write("done\\n")
            h.shutdown()
            print("done")
            """;

    private static final String READ = COMMON + """
            uri, seed, bs, blocks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            h = nbd.NBD()
            h.connect_uri(uri)
            zero = bytes(bs)
            held = []
            for b in range(blocks):
                d = h.pread(bs, b * bs)
                if d == zero:
                    held.append(0)
                    continue
                blk, g = struct.unpack_from("<QQ", d)
                held.append(g if blk == b and 0 < g < 1 << 31 and d == pattern(seed, b, g, bs) else -1)
            h.shutdown()
            print(" ".join(map(str, held)))
            """;

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private final long seed;
    private final int blockSize;
    private final int blocks;

    /**
     * @param seed      the pattern's seed: log it, a failure is replayed with it
     * @param blockSize bytes per block, more than the 16-byte header
     * @param blocks    blocks from offset 0
     */
    public PatternedBlocks(long seed, int blockSize, int blocks) {
        if (blockSize <= 16 || blocks < 1) {
            throw new IllegalArgumentException(blocks + " blocks of " + blockSize + " bytes");
        }
        this.seed = seed;
        this.blockSize = blockSize;
        this.blocks = blocks;
    }

    public int blocks() {
        return blocks;
    }

    /**
     * A writer of generations {@code first} to {@code last} (0: on until a command fails) through {@code uri}, made
     * durable as {@code mode} says, journaling to {@code journal} (appended to). It exits 0 whether it finished or
     * stopped at a failed command; the journal tells which.
     */
    public ExternalCommand write(String uri, Mode mode, int first, int last, Path journal) {
        return ExternalCommand.python(WRITE, uri, Long.toString(seed), Integer.toString(blockSize),
                Integer.toString(blocks), Integer.toString(first), Integer.toString(last), mode.name(),
                Integer.toString(DEPTH), journal.toString());
    }

    /**
     * Reads every block through {@code uri}.
     *
     * @return per block the generation it holds, 0 if it is all zeroes (never written), -1 if it holds no
     *         generation of this block
     * @throws AssertionError if the reader fails (the server refused, a read failed)
     */
    public int[] read(String uri) {
        CommandResult r = ExternalCommand.python(READ, uri, Long.toString(seed), Integer.toString(blockSize),
                Integer.toString(blocks)).separateStderr().timeout(READ_TIMEOUT).run();
        if (!r.succeeded()) {
            throw new AssertionError("reading the patterned blocks through " + uri + " failed: " + r.describe());
        }
        int[] held = Arrays.stream(r.stdout().strip().split(" ")).mapToInt(Integer::parseInt).toArray();
        if (held.length != blocks) {
            throw new AssertionError("expected " + blocks + " blocks from the reader: " + r.describe());
        }
        return held;
    }
}
