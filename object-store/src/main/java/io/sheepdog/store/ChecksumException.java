package io.sheepdog.store;

/** A stored block does not match its CRC32C: the replica is damaged and must be repaired, not served. */
public class ChecksumException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final long oid;
    private final long blockIndex;

    public ChecksumException(long oid, long blockIndex, String detail) {
        super("checksum mismatch in object " + ObjectId.toString(oid) + " block " + blockIndex + ": " + detail);
        this.oid = oid;
        this.blockIndex = blockIndex;
    }

    public long oid() {
        return oid;
    }

    public long blockIndex() {
        return blockIndex;
    }
}
