package io.sheepdog.daemon.proto;

/**
 * What a write does about the object it names, whether or not a replica holds it. PEER_WRITE_OBJ carries it as
 * request flags ({@link #flags()}). The modes are what copy-on-write needs from replicas so that two gateways
 * racing on the first write to one object make one object and lose neither write (docs/architecture.md,
 * "Snapshots, clones, rollback and resize").
 */
public enum WriteMode {
    /**
     * The object must exist: a replica that holds none fails NO_OBJ, since creating it afresh would lose what the
     * replica held (it was lost, or never recovered).
     */
    EXISTING(0),
    /**
     * Creates the object if it is missing, else writes into it: the first write to an object never allocated. A
     * racing first write through another gateway writes into the same object instead of replacing it.
     */
    CREATE(SheepProtocol.FLAG_CREATE),
    /**
     * Writes only if the object is missing and leaves an existing one untouched, in one step with respect to every
     * other write of it: the base copy of an object shared with an ancestor, identical whoever makes it. The first
     * copy wins, and a write that followed it is never overwritten by a later copy.
     */
    CREATE_ONLY(SheepProtocol.FLAG_CREATE | SheepProtocol.FLAG_EXCLUSIVE),
    /** Drops whatever the object held, then writes: a VDI's new inode. */
    FRESH(SheepProtocol.FLAG_CREATE | SheepProtocol.FLAG_FRESH);

    private final int flags;

    WriteMode(int flags) {
        this.flags = flags;
    }

    /** The request flags that carry this mode. */
    public int flags() {
        return flags;
    }

    /** Whether the write may create the object. */
    public boolean creates() {
        return this != EXISTING;
    }

    /**
     * The mode request flags carry.
     *
     * @throws IllegalArgumentException for a combination no mode has (EXCLUSIVE or FRESH without CREATE, or both)
     */
    public static WriteMode ofFlags(int requestFlags) {
        int bits = requestFlags & (SheepProtocol.FLAG_CREATE | SheepProtocol.FLAG_EXCLUSIVE | SheepProtocol.FLAG_FRESH);
        for (WriteMode m : values()) {
            if (m.flags == bits) {
                return m;
            }
        }
        throw new IllegalArgumentException(String.format("write flags %#06x name no write mode", bits));
    }
}
