package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.SheepException;

/**
 * A write's right to go out, asked before every attempt of it: the first and each retry under a new epoch. A client
 * holding a VDI's write lock gives its writes a permit that ends when the lock is lost
 * ({@code vdi.WriteAttachment#permit}); a write that waited for the epochs to agree while its holder was cut off then
 * fails instead of landing after the lock went to another writer (docs/architecture.md, "Attach locks").
 */
@FunctionalInterface
public interface WritePermit {
    /** The permit of writes no lock governs: shared VDIs, internal writes. */
    WritePermit ALWAYS = () -> { };

    /**
     * Returns if the write may go out now.
     *
     * @throws SheepException VDI_LOCKED (or another code) saying why it may not
     */
    void check() throws SheepException;
}
