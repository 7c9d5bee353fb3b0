package io.sheepdog.daemon.security;

import io.sheepdog.daemon.proto.Opcode;

/**
 * The permission every sheep-protocol operation needs. One exhaustive switch: a new opcode does not compile until
 * it is classified here. Destroying or taking over (format, shutdown, delete, rollback, lock break, shared mode) is
 * {@link Permission#ADMIN}; VDI_FREEZE is {@link Permission#PEER} because only a node freezing its peers for a
 * snapshot sends it.
 */
public final class OpcodeAccess {
    private OpcodeAccess() {
    }

    public static Permission required(Opcode op) {
        return switch (op) {
            case CLUSTER_INFO, NODE_LIST -> Permission.STATUS;
            case VDI_LIST, VDI_LOOKUP, VDI_READ, NODE_REFUSALS, NODE_RECOVERY, VDI_OBJECTS, VDI_OBJECT_MAP,
                 VDI_LOCKS, OBJ_CHECK, CLUSTER_OBJECTS -> Permission.READ;
            case VDI_CREATE, VDI_WRITE, VDI_FLUSH, VDI_ZERO, VDI_SNAPSHOT, VDI_CLONE, VDI_RESIZE, VDI_FLATTEN,
                 VDI_LOCK_MIGRATE -> Permission.WRITE;
            case VDI_DELETE, VDI_DELETE_SNAPSHOT, VDI_ROLLBACK, VDI_UNLOCK, VDI_SET_SHARED, CLUSTER_FORMAT,
                 CLUSTER_SHUTDOWN, CLUSTER_RECOVER_FORCE, NODE_RECOVERY_THROTTLE -> Permission.ADMIN;
            case VDI_FREEZE, PEER_READ_OBJ, PEER_WRITE_OBJ, PEER_REMOVE_OBJ, PEER_ZERO_OBJ, PEER_ALLOCATION,
                 PEER_FLUSH, PEER_STAT_OBJ, PEER_LIST_OBJ, PEER_GET_OBJ, PEER_PUT_OBJ, PEER_CHECK_OBJ ->
                    Permission.PEER;
        };
    }
}
