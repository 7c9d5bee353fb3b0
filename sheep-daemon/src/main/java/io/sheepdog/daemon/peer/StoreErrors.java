package io.sheepdog.daemon.peer;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.store.ChecksumException;
import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.StoreException;

/** Maps local store failures to result codes; a full store is also reported in the log. */
public final class StoreErrors {
    private StoreErrors() {
    }

    /** The result code for a store failure. */
    public static SheepException toSheep(StoreException e) {
        if (e instanceof NoSpaceException full) {
            StoreFullLog.refused(full);
            return new SheepException(ResultCode.NO_SPACE, e.getMessage(), e);
        }
        if (e instanceof ChecksumException) {
            return new SheepException(ResultCode.CHECKSUM, e.getMessage(), e);
        }
        return new SheepException(ResultCode.EIO, e.getMessage(), e);
    }
}
