package io.sheepdog.membership.jgroups.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower that installed a snapshot, appended, and restarted must find its log again. */
class RepairedFileLogTest {
    @TempDir
    Path tmp;

    /** Installs a snapshot at index 5, appends 6..8, reopens; returns the reopened log. */
    private static FileBasedLog installAppendReopen(FileBasedLog log, FileBasedLog reopened, Path dir)
            throws Exception {
        log.init(dir.toString(), new HashMap<>());
        log.useFsync(true);
        log.setSnapshot(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        log.reinitializeTo(5, new LogEntry(2, null));
        for (int i = 6; i <= 8; i++) {
            log.append(i, new LogEntries().add(new LogEntry(2, new byte[] {(byte) i})));
        }
        log.commitIndex(8);
        log.close();
        reopened.init(dir.toString(), new HashMap<>());
        return reopened;
    }

    @Test
    void keepsTheEntriesAfterASnapshotInstall() throws Exception {
        FileBasedLog r = installAppendReopen(new RepairedFileLog(), new RepairedFileLog(), tmp.resolve("fixed"));
        assertThat(r.firstAppended()).isEqualTo(5);
        assertThat(r.lastAppended()).isEqualTo(8);
        assertThat(r.commitIndex()).isEqualTo(8);
        assertThat(r.get(7).command()).containsExactly(7);
        assertThat(r.get(5).term()).isEqualTo(2);
        r.close();
    }

    @Test
    void theUnrepairedLogStillLosesThem() throws Exception {
        // Documents the jgroups-raft 1.1.4 bug this class repairs; when this fails, the repair can go.
        FileBasedLog r = installAppendReopen(new FileBasedLog(), new FileBasedLog(), tmp.resolve("plain"));
        assertThat(r.lastAppended()).isZero();
        r.close();
    }
}
