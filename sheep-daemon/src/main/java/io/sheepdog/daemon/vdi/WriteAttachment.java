package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.gateway.WritePermit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's right to write a working VDI ({@link VdiLocks#attach}): the lock it shares with the other
 * connections of its client, or none for a shared VDI. Closed once, when the connection ends.
 */
public final class WriteAttachment implements AutoCloseable {
    private final VdiLocks.Held held;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final WritePermit permit;

    WriteAttachment(VdiLocks.Held held) {
        this.held = held;
        this.permit = held::check;
    }

    /**
     * The permit every object change of this connection's writes carries ({@link VdiIo#permitted}): refused once
     * the lock is lost, asked again before each retry, so a write that outlived its lock never lands.
     */
    public WritePermit permit() {
        return permit;
    }

    /** The VDI name. */
    public String vdi() {
        return held.name();
    }

    /** The lock generation this connection's writes carry now: 0 for a shared VDI. */
    public long generation() {
        return held.generation();
    }

    /** Whether this connection is a migration's destination that has not taken the lock over yet. */
    public boolean standby() {
        return held.standby();
    }

    /**
     * Completes when a write may go out: at once while this client holds the lock (a volatile read), after the
     * hand-over for a migration's destination writing first; fails VDI_LOCKED once the lock was lost (broken by an
     * operator, its lease ended, passed to a migration's destination): the fence.
     */
    public CompletableFuture<Void> beforeWrite() {
        return held.beforeWrite();
    }

    /** Detaches; the last connection of the client releases the lock. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            held.release();
        }
    }
}
