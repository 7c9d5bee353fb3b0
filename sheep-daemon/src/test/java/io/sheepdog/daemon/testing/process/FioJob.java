package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * One fio job over NBD (fio's nbd engine) with crc32c verification headers: random writes over a range of an
 * export, or only the verification of what such a run wrote. The write and its verification must use the same
 * seed, range and block size, since fio regenerates the expected data from them; the verify state file fio leaves
 * lies in the job's directory.
 *
 * <pre>{@code
 * FioJob job = FioJob.at(dir, uri).size(16 << 20).seed(seed);
 * job.write().run();                 // random writes with headers
 * job.uri(otherUri).verify().run();  // read everything back through another node
 * }</pre>
 */
public final class FioJob {
    private final Path directory;
    private final String uri;
    private long offset;
    private long size = 16L << 20;
    private String blockSize = "16k";
    private int iodepth = 16;
    private long seed;
    private String rate;
    private String verifyInterval;
    private Duration timeout = Duration.ofMinutes(3);
    private UnaryOperator<List<String>> launcher = UnaryOperator.identity();
    private final List<String> extra = new ArrayList<>();

    private FioJob(Path directory, String uri) {
        this.directory = directory;
        this.uri = uri;
    }

    /**
     * A fresh seed for a test's fio runs, printed so that a failure can be replayed with it; skips the test (a JUnit
     * assumption) when fio is not installed.
     */
    public static long newSeed() {
        Assumptions.assumeTrue(ExternalCommand.isOnPath("fio"), "fio is not installed");
        long seed = System.nanoTime();
        System.out.println("fio random seed " + seed);
        return seed;
    }

    /** A job over the NBD export {@code uri} whose state files go to {@code directory} (created if missing). */
    public static FioJob at(Path directory, String uri) {
        return new FioJob(directory, uri);
    }

    /** The same job (same data, same range) through another export URI, for example another node's. */
    public FioJob uri(String otherUri) {
        FioJob copy = new FioJob(directory, otherUri);
        copy.offset = offset;
        copy.size = size;
        copy.blockSize = blockSize;
        copy.iodepth = iodepth;
        copy.seed = seed;
        copy.rate = rate;
        copy.verifyInterval = verifyInterval;
        copy.timeout = timeout;
        copy.launcher = launcher;
        copy.extra.addAll(extra);
        return copy;
    }

    /** The first byte of the range; 0 by default. */
    public FioJob offset(long value) {
        this.offset = value;
        return this;
    }

    /** The length of the range; 16 MiB by default. */
    public FioJob size(long value) {
        this.size = value;
        return this;
    }

    /** fio's block size, such as {@code 16k} (the default) or {@code 1m}. */
    public FioJob blockSize(String value) {
        this.blockSize = value;
        return this;
    }

    public FioJob iodepth(int value) {
        this.iodepth = value;
        return this;
    }

    /** fio's random seed: the write and its verification must use the same one. */
    public FioJob seed(long value) {
        this.seed = value;
        return this;
    }

    /** Limits the write bandwidth, such as {@code 2m}, so that a write is still going on when a fault comes. */
    public FioJob rate(String value) {
        this.rate = value;
        return this;
    }

    /**
     * fio's {@code verify_interval}: a header every {@code value} bytes (such as {@code 8k}) instead of one per block.
     * The only way to tell two runs over the same range apart: fio's crc32c verification checks each header's
     * offset, length and checksum, but neither the seed nor a {@code verify_pattern}, so data a run with another
     * seed wrote verifies just as well. A run that overwrites another must use a different interval (or block
     * size) for a verification to catch the old data.
     */
    public FioJob verifyInterval(String value) {
        this.verifyInterval = value;
        return this;
    }

    /** How long fio may run; 3 minutes by default. */
    public FioJob timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    /** Wraps the command line, for example to run fio in a network namespace. */
    public FioJob launcher(UnaryOperator<List<String>> value) {
        this.launcher = value;
        return this;
    }

    /** Further fio options, appended as given. */
    public FioJob option(String value) {
        extra.add(value);
        return this;
    }

    /** Random writes over the range, each block with a crc32c header; no verification in the same run. */
    public ExternalCommand write() {
        List<String> cmd = common();
        cmd.add("--do_verify=0");
        if (rate != null) {
            cmd.add("--rate=" + rate);
        }
        return command(cmd);
    }

    /** Reads the range back and checks every block's header against what {@link #write()} wrote. */
    public ExternalCommand verify() {
        List<String> cmd = common();
        cmd.add("--verify_only=1");
        return command(cmd);
    }

    private List<String> common() {
        List<String> cmd = new ArrayList<>(List.of("fio", "--name=sheepdog", "--ioengine=nbd", "--uri=" + uri,
                "--rw=randwrite", "--bs=" + blockSize, "--iodepth=" + iodepth, "--offset=" + offset,
                "--size=" + size, "--randseed=" + seed, "--verify=crc32c", "--verify_fatal=1"));
        if (verifyInterval != null) {
            cmd.add("--verify_interval=" + verifyInterval);
        }
        cmd.addAll(extra);
        return cmd;
    }

    private ExternalCommand command(List<String> cmd) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ExternalCommand.of(launcher.apply(cmd)).directory(directory).timeout(timeout);
    }
}
