package io.sheepdog.membership.jgroups.raft;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntry;

/**
 * jgroups-raft's {@link FileBasedLog} with one repair. In 1.1.4, {@code reinitializeTo} (used when a follower
 * installs a snapshot from the leader) does not flip its write buffer, so the first entry's header is never written:
 * the entries written after it are unreadable after a restart, and the node comes back with an empty log (found by
 * {@code RepairedFileLogTest}). This class writes that header itself, in the file format of
 * {@code org.jgroups.raft.filelog.LogEntryStorage}, and reopens the log. Remove it once jgroups-raft is fixed.
 */
public final class RepairedFileLog extends FileBasedLog {
    /** The entries file and its record header, as {@code LogEntryStorage} writes them. */
    static final String ENTRIES_FILE = "entries.raft";
    static final byte MAGIC = 0x01;
    static final int HEADER_SIZE = 26;

    private String logName;
    private Map<String, String> args;

    @Override
    public void init(String name, Map<String, String> arguments) throws Exception {
        this.logName = name;
        this.args = arguments;
        super.init(name, arguments);
    }

    @Override
    public void reinitializeTo(long index, LogEntry entry) {
        super.reinitializeTo(index, entry);
        boolean fsync = useFsync();
        close();
        int dataLength = entry.command() == null ? 0 : entry.length();
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + dataLength);
        b.put(MAGIC).putInt(HEADER_SIZE + dataLength).putLong(entry.term()).putLong(index)
                .put((byte) (entry.internal() ? 1 : 0)).putInt(dataLength);
        if (dataLength > 0) {
            b.put(entry.command(), entry.offset(), dataLength);
        }
        try (RandomAccessFile f = new RandomAccessFile(new File(logName, ENTRIES_FILE), "rw")) {
            f.setLength(0);
            f.write(b.array());
            f.getFD().sync();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the Raft log after installing a snapshot", e);
        }
        try {
            init(logName, args);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reopen the Raft log after installing a snapshot", e);
        }
        useFsync(fsync);
    }
}
