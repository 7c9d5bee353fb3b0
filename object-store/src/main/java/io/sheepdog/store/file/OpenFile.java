package io.sheepdog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open data file shared through {@link DataFiles}' cache. Reference counted so that evicting it from the cache
 * never closes the channel under a thread still using it: the cache holds one reference, each user one more, and
 * the channel is closed when the count drops to zero.
 */
final class OpenFile {
    private static final Logger LOG = LoggerFactory.getLogger(OpenFile.class);

    private final FileChannel channel;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean created;

    OpenFile(FileChannel channel, boolean created) {
        this.channel = channel;
        this.created = new AtomicBoolean(created);
    }

    FileChannel channel() {
        return channel;
    }

    /** True once if this file was created when opened: its directory entry still has to be fsynced. */
    boolean takeCreated() {
        return created.getAndSet(false);
    }

    /** Takes a reference; false if the file was already closed (retry with a fresh one). */
    boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r == 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing a data file failed", e);
            }
        }
    }
}
