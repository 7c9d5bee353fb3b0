package io.sheepdog.daemon.proto;

/**
 * The operations of the sheep protocol, with their stable wire codes (see {@link SheepProtocol} for the ranges).
 *
 * <p>Argument use per operation (fields of {@link SheepRequest}; unlisted fields are 0, payloads are empty unless
 * listed). JSON payloads are written by {@link SheepJson}.
 * <table>
 * <caption>request and response contents</caption>
 * <tr><th>op</th><th>request</th><th>success response payload</th></tr>
 * <tr><td>CLUSTER_FORMAT</td><td>arg3 copies; flags STRICT, FORCE</td><td>empty</td></tr>
 * <tr><td>CLUSTER_INFO</td><td>-</td><td>JSON ClusterInfo</td></tr>
 * <tr><td>NODE_LIST</td><td>-</td><td>JSON list of NodeInfo</td></tr>
 * <tr><td>CLUSTER_SHUTDOWN</td><td>-</td><td>empty (every daemon then stops)</td></tr>
 * <tr><td>CLUSTER_RECOVER_FORCE</td><td>-</td><td>JSON EpochInfo of the epoch it started</td></tr>
 * <tr><td>VDI_CREATE</td><td>payload JSON string name; arg2 size; arg3 copies (0 = cluster default)</td>
 *     <td>JSON VdiInfo</td></tr>
 * <tr><td>VDI_LIST</td><td>-</td><td>JSON list of VdiInfo</td></tr>
 * <tr><td>VDI_LOOKUP</td><td>payload JSON string name</td><td>JSON VdiInfo</td></tr>
 * <tr><td>VDI_DELETE</td><td>payload JSON string name</td><td>empty</td></tr>
 * <tr><td>VDI_READ</td><td>arg0 vid; arg1 offset; arg2 length</td><td>exactly length raw bytes</td></tr>
 * <tr><td>VDI_WRITE</td><td>arg0 vid; arg1 offset; payload raw bytes; flag FUA</td><td>empty</td></tr>
 * <tr><td>VDI_FLUSH</td><td>arg0 vid</td><td>empty</td></tr>
 * <tr><td>VDI_ZERO</td><td>arg0 vid; arg1 offset; arg2 length; flags DISCARD, FUA</td><td>empty</td></tr>
 * <tr><td>NODE_RECOVERY</td><td>-</td><td>JSON RecoveryInfo</td></tr>
 * <tr><td>NODE_RECOVERY_THROTTLE</td><td>arg0 bytes per second (0 = unlimited); arg1 objects at once</td>
 *     <td>empty</td></tr>
 * <tr><td>PEER_READ_OBJ</td><td>arg0 oid; arg1 offset; arg2 length</td><td>exactly length raw bytes</td></tr>
 * <tr><td>PEER_WRITE_OBJ</td><td>arg0 oid; arg1 offset; payload raw bytes; flags FUA and the
 *     {@link WriteMode}: none (the replica must exist), CREATE, CREATE|EXCLUSIVE, CREATE|FRESH</td><td>empty</td></tr>
 * <tr><td>PEER_REMOVE_OBJ</td><td>arg0 oid</td><td>empty</td></tr>
 * <tr><td>PEER_ZERO_OBJ</td><td>arg0 oid; arg1 offset; arg2 length; flags DISCARD, FUA</td><td>empty</td></tr>
 * <tr><td>PEER_ALLOCATION</td><td>arg0 oid</td><td>the 4 KiB block bitmap ({@link PeerWire#encodeAllocation})</td></tr>
 * <tr><td>PEER_FLUSH</td><td>-</td><td>empty</td></tr>
 * <tr><td>PEER_STAT_OBJ</td><td>arg0 oid</td><td>empty; response arg0..arg3 as {@link PeerWire#statResponse}</td></tr>
 * <tr><td>PEER_LIST_OBJ</td><td>-</td><td>every replica with its version ({@link PeerWire#encodeList})</td></tr>
 * <tr><td>PEER_GET_OBJ</td><td>arg0 oid</td><td>the whole replica; version in response arg1/arg2
 *     ({@link PeerWire#imageResponse})</td></tr>
 * <tr><td>PEER_PUT_OBJ</td><td>arg0 oid; arg1/arg2 version; payload image ({@link PeerWire#encodeImage}); flag
 *     FUA</td><td>empty</td></tr>
 * <tr><td>PEER_CHECK_OBJ</td><td>arg0 oid</td><td>the replica's content digest; version in response arg1/arg2
 *     ({@link PeerWire#checkResponse})</td></tr>
 * <tr><td>VDI_OBJECTS</td><td>payload JSON string name</td><td>JSON list of object ids (numbers)</td></tr>
 * <tr><td>VDI_SNAPSHOT</td><td>payload JSON {@link VdiRequests.Snapshot}</td><td>JSON VdiInfo of the snapshot</td></tr>
 * <tr><td>VDI_CLONE</td><td>payload JSON {@link VdiRequests.Clone}</td><td>JSON VdiInfo of the clone</td></tr>
 * <tr><td>VDI_ROLLBACK</td><td>payload JSON {@link VdiRequests.Rollback}</td><td>JSON VdiInfo of the new working
 *     VDI</td></tr>
 * <tr><td>VDI_RESIZE</td><td>payload JSON {@link VdiRequests.Resize}</td><td>JSON VdiInfo</td></tr>
 * <tr><td>VDI_FREEZE</td><td>arg0 vid; arg1 1 to stop writes, 0 to let them in again</td><td>empty (a freeze once
 *     the writes in flight are done)</td></tr>
 * <tr><td>VDI_OBJECT_MAP</td><td>arg0 vid</td><td>JSON array of the owner id of every object index</td></tr>
 * <tr><td>VDI_FLATTEN</td><td>payload JSON string name</td><td>JSON VdiInfo</td></tr>
 * <tr><td>VDI_DELETE_SNAPSHOT</td><td>payload JSON {@link VdiRequests.DeleteSnapshot}</td><td>empty</td></tr>
 * <tr><td>OBJ_CHECK</td><td>arg0 oid</td><td>JSON ObjectCheck</td></tr>
 * <tr><td>CLUSTER_OBJECTS</td><td>-</td><td>JSON list of object ids (numbers)</td></tr>
 * <tr><td>VDI_LOCKS</td><td>-</td><td>JSON list of VdiLockInfo</td></tr>
 * <tr><td>VDI_UNLOCK</td><td>payload JSON string name; arg2 generation (0: any)</td><td>empty</td></tr>
 * <tr><td>VDI_LOCK_MIGRATE</td><td>payload JSON {@link VdiRequests.MigrateLock}</td><td>JSON VdiLockInfo</td></tr>
 * <tr><td>VDI_SET_SHARED</td><td>payload JSON string name; arg1 1 shared, 0 exclusive</td><td>empty</td></tr>
 * </table>
 * An error response carries the result code in the header and a UTF-8 message as its payload. A code this table does
 * not hold is answered NOT_SUPPORTED and the connection stays open. Codes 0x01-0x0f (upstream Sheepdog's gateway
 * object operations, READ_OBJ and its siblings) are unused: a gateway here serves whole VDI ranges (VDI_READ,
 * VDI_WRITE) and reaches replicas with the PEER operations.
 *
 * <p>Every {@link Kind#PEER} request carries the sender's epoch in the header. The receiver compares it with its own
 * and, when they differ, answers OLD_NODE_VER (the sender is behind) or NEW_NODE_VER (the receiver is behind) without
 * applying anything; the sender retries once the views agree. The recovery reads PEER_LIST_OBJ and PEER_GET_OBJ are
 * the exception: a receiver at the sender's epoch or a newer one answers them (NEW_NODE_VER if it is behind), once
 * every request of an older epoch it accepted has finished, so what they return includes every write acknowledged
 * under an older placement.
 */
public enum Opcode {

    VDI_CREATE(0x10, Kind.CONTROL),
    VDI_LIST(0x11, Kind.CONTROL),
    VDI_LOOKUP(0x12, Kind.CONTROL),
    VDI_DELETE(0x13, Kind.CONTROL),

    VDI_READ(0x20, Kind.DATA),
    VDI_WRITE(0x21, Kind.DATA),
    VDI_FLUSH(0x22, Kind.DATA),
    /** Make a range read as zeroes: allocated zeroes, or with FLAG_DISCARD deallocated (NBD's WRITE_ZEROES, TRIM). */
    VDI_ZERO(0x23, Kind.DATA),

    CLUSTER_FORMAT(0x30, Kind.CONTROL),
    CLUSTER_INFO(0x31, Kind.CONTROL),
    NODE_LIST(0x32, Kind.CONTROL),
    /** Nodes refused at join: JSON list of RefusedNode. */
    NODE_REFUSALS(0x33, Kind.CONTROL),
    /** The recovery state of the node asked: JSON RecoveryInfo. */
    NODE_RECOVERY(0x34, Kind.CONTROL),
    /** Set the recovery throttle of the node asked: arg0 bytes per second (0 = none), arg1 objects at once. */
    NODE_RECOVERY_THROTTLE(0x35, Kind.CONTROL),
    /** Stops every daemon of the cluster cleanly, without the leaving nodes starting epochs. */
    CLUSTER_SHUTDOWN(0x38, Kind.CONTROL),
    /** A restarted cluster waiting for nodes of its last epoch starts a new epoch with the live nodes. */
    CLUSTER_RECOVER_FORCE(0x39, Kind.CONTROL),

    /** Read part of one replica of an object on this sheep (gateway to peer). */
    PEER_READ_OBJ(0x81, Kind.PEER),
    /** Write part of one replica of an object on this sheep, creating it as its {@link WriteMode} says. */
    PEER_WRITE_OBJ(0x82, Kind.PEER),
    // 0x83 stays unassigned: Sheepdog's CREATE_AND_WRITE_PEER is PEER_WRITE_OBJ with FLAG_CREATE here.
    /** Remove one replica of an object on this sheep. */
    PEER_REMOVE_OBJ(0x84, Kind.PEER),
    /** Zero (or with FLAG_DISCARD deallocate) a range of one replica. */
    PEER_ZERO_OBJ(0x85, Kind.PEER),
    /** Which 4 KiB blocks of one replica are allocated. */
    PEER_ALLOCATION(0x86, Kind.PEER),
    /** Durability barrier over every completed write of this sheep's store. */
    PEER_FLUSH(0x87, Kind.PEER),
    /** Whether this sheep holds a replica of an object, and its version. */
    PEER_STAT_OBJ(0x88, Kind.PEER),
    /** Every replica this sheep stores, with its version (recovery plans from these lists). */
    PEER_LIST_OBJ(0x89, Kind.PEER),
    /** One whole replica with its version (recovery and repair copy it). */
    PEER_GET_OBJ(0x8a, Kind.PEER),
    /** Replace one replica with a whole copy of another, keeping its version (repair). */
    PEER_PUT_OBJ(0x8b, Kind.PEER),
    /** Verify one replica's checksums where it lies; answers its version and a digest of its content (check). */
    PEER_CHECK_OBJ(0x8c, Kind.PEER),

    /** The object ids of a VDI: its inode and every data object its inode has allocated ({@code vdi check}). */
    VDI_OBJECTS(0x14, Kind.CONTROL),
    /** Take a snapshot of a working VDI. */
    VDI_SNAPSHOT(0x15, Kind.CONTROL),
    /** Create a writable VDI from a snapshot. */
    VDI_CLONE(0x16, Kind.CONTROL),
    /** Return a working VDI to a snapshot's content. */
    VDI_ROLLBACK(0x17, Kind.CONTROL),
    /** Change the size of a working VDI. */
    VDI_RESIZE(0x18, Kind.CONTROL),
    /** Delete one snapshot of a VDI. */
    VDI_DELETE_SNAPSHOT(0x19, Kind.CONTROL),
    /** Sheep to sheep: stop (or restart) this node's writes to a VDI while another node snapshots it. */
    VDI_FREEZE(0x1a, Kind.CONTROL),
    /** Copy what a VDI shares with its snapshot into its own objects, so it depends on nothing. */
    VDI_FLATTEN(0x1b, Kind.CONTROL),
    /** The object map of a VDI or snapshot (owner id per object index), for backups. */
    VDI_OBJECT_MAP(0x1c, Kind.CONTROL),
    /** Every VDI write lock (and shared VDI). */
    VDI_LOCKS(0x1d, Kind.CONTROL),
    /** Break one VDI's write lock. */
    VDI_UNLOCK(0x1e, Kind.CONTROL),
    /** Let a VDI's write lock move to a live migration's destination node. */
    VDI_LOCK_MIGRATE(0x1f, Kind.CONTROL),
    /** Make a VDI shared (its writers take no lock) or exclusive. */
    VDI_SET_SHARED(0x40, Kind.CONTROL),
    /** Compare the replicas of one object and repair the missing, damaged, stale or divergent ones. */
    OBJ_CHECK(0x3a, Kind.CONTROL),
    /** Every object the cluster must hold: every inode, every data object a live VDI or snapshot maps. */
    CLUSTER_OBJECTS(0x3b, Kind.CONTROL);

    /** How a server runs an operation. */
    public enum Kind {
        /** Administrative: blocking calls with JSON payloads, run on a worker executor. */
        CONTROL,
        /** Data path: asynchronous calls with raw byte payloads, started from the event loop. */
        DATA,
        /** Sheep to sheep: one replica of an object, epoch-checked, asynchronous (see {@code PeerOps}). */
        PEER
    }

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode op : values()) {
            if (BY_CODE[op.code] != null) {
                throw new ExceptionInInitializerError("duplicate opcode 0x" + Integer.toHexString(op.code));
            }
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final Kind kind;

    Opcode(int code, Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether {@code code} names a known operation. */
    public static boolean isKnown(int code) {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null;
    }

    /**
     * The operation with this wire code.
     *
     * @throws IllegalArgumentException if no operation has this code
     */
    public static Opcode valueOf(int code) {
        if (!isKnown(code)) {
            throw new IllegalArgumentException("unknown opcode 0x" + Integer.toHexString(code));
        }
        return BY_CODE[code];
    }
}
