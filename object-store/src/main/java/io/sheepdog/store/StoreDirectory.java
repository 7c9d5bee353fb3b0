package io.sheepdog.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The store directory itself: creates it if missing, takes the lock that keeps a second daemon out, and checks
 * (or, for a new store, writes) the {@code FORMAT} file. Nothing already in the directory is changed before the
 * checks pass, except the empty {@code lock} file.
 */
final class StoreDirectory implements AutoCloseable {
    static final String FORMAT_FILE = "FORMAT";
    static final String LOCK_FILE = "lock";
    static final String META_DIR = "meta";
    static final String OBJECT_DIR = "obj";
    private static final String FORMAT_TMP = "FORMAT.tmp";
    private static final String FORMAT_KEY = "format-version=";
    /** What a directory may hold if a previous initialisation stopped before writing FORMAT. */
    private static final Set<String> INIT_LEFTOVERS = Set.of(LOCK_FILE, META_DIR, OBJECT_DIR, FORMAT_TMP);

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean fresh;

    private StoreDirectory(Path dir, FileChannel lockChannel, FileLock lock, boolean fresh) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.fresh = fresh;
    }

    /** Prepares and locks {@code dir}; {@link #isNew()} tells whether it must be initialised. */
    static StoreDirectory open(Path dir) throws StoreSetupException {
        createIfMissing(dir);
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw setupFailure("cannot create the lock file in store directory " + dir, e);
        }
        try {
            FileLock lock = tryLock(dir, channel);
            boolean fresh = checkFormat(dir);
            return new StoreDirectory(dir, channel, lock, fresh);
        } catch (StoreSetupException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    boolean isNew() {
        return fresh;
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Marks a new store complete by writing FORMAT atomically and durably; the last step of initialisation. */
    void commitFormat() throws StoreSetupException {
        Path tmp = dir.resolve(FORMAT_TMP);
        String text = "# Sheepdog/J local object store; do not edit or delete.\n" + FORMAT_KEY
                + LocalStore.FORMAT_VERSION + "\n";
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
            Files.move(tmp, dir.resolve(FORMAT_FILE), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw setupFailure("cannot write " + dir.resolve(FORMAT_FILE), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        closeQuietly(lockChannel);
    }

    private static void createIfMissing(Path dir) throws StoreSetupException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new StoreSetupException("store directory " + dir + " exists but is not a directory");
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new StoreSetupException("cannot create store directory " + dir + ": its parent " + parent
                    + " does not exist or is not a directory; create it first");
        }
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw setupFailure("cannot create store directory " + dir, e);
        }
    }

    private static FileLock tryLock(Path dir, FileChannel channel) throws StoreSetupException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new StoreSetupException("store directory " + dir + " is already open in this process", e);
        } catch (IOException e) {
            throw setupFailure("cannot lock store directory " + dir, e);
        }
        if (lock == null) {
            throw new StoreSetupException("store directory " + dir
                    + " is locked by another process (is another sheep daemon using it?)");
        }
        return lock;
    }

    /** Returns true for a directory to initialise, false for an existing store of this format. */
    private static boolean checkFormat(Path dir) throws StoreSetupException {
        Path format = dir.resolve(FORMAT_FILE);
        if (!Files.exists(format)) {
            List<String> unexpected;
            try (Stream<Path> entries = Files.list(dir)) {
                unexpected = entries.map(p -> p.getFileName().toString()).filter(n -> !INIT_LEFTOVERS.contains(n))
                        .sorted().collect(Collectors.toList());
            } catch (IOException e) {
                throw setupFailure("cannot list store directory " + dir, e);
            }
            if (!unexpected.isEmpty()) {
                throw new StoreSetupException("store directory " + dir + " is not empty and has no " + FORMAT_FILE
                        + " file, so it is not a store: it holds " + unexpected + "; use an empty directory");
            }
            return true;
        }
        int version = readVersion(format);
        if (version != LocalStore.FORMAT_VERSION) {
            throw new StoreSetupException("store directory " + dir + " was laid out by store format version "
                    + version + ", this build uses version " + LocalStore.FORMAT_VERSION
                    + "; run a matching sheep version (nothing was changed)");
        }
        return false;
    }

    private static int readVersion(Path format) throws StoreSetupException {
        List<String> lines;
        try {
            lines = Files.readAllLines(format, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw setupFailure("cannot read " + format, e);
        }
        for (String line : lines) {
            if (line.startsWith(FORMAT_KEY)) {
                try {
                    return Integer.parseInt(line.substring(FORMAT_KEY.length()).trim());
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new StoreSetupException(format + " is not a store format file (no valid '" + FORMAT_KEY
                + "<n>' line)");
    }

    private static StoreSetupException setupFailure(String what, IOException e) {
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        } else {
            reason = String.valueOf(e.getMessage());
        }
        return new StoreSetupException(what + ": " + reason, e);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do: the lock goes with the channel
        }
    }
}
