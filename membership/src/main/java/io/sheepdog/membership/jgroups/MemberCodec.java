package io.sheepdog.membership.jgroups;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Optional;
import org.jgroups.Address;
import org.jgroups.util.ExtendedUUID;

/**
 * The binary form of a {@link MemberInfo}, carried in every member's JGroups address (an {@link ExtendedUUID}
 * under {@link #KEY}) and in join requests, so every member knows every other member's {@link NodeAddress} from
 * the view alone. Layout: format byte 1, id (8), host (UTF), port, nbd port, zone, vnodes (4 each), incarnation
 * (UTF), protocol version (4), cluster id (UTF).
 */
public final class MemberCodec {
    /** The ExtendedUUID key of the encoded member. */
    public static final String KEY = "sd-member";
    private static final int FORMAT = 1;

    private MemberCodec() {
    }

    public static byte[] encode(MemberInfo m) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            NodeAddress a = m.address();
            out.writeByte(FORMAT);
            out.writeLong(a.id().value());
            out.writeUTF(a.host());
            out.writeInt(a.port());
            out.writeInt(a.nbdPort());
            out.writeInt(a.zone());
            out.writeInt(a.vnodes());
            out.writeUTF(m.incarnation());
            out.writeInt(m.protocolVersion());
            out.writeUTF(m.clusterId());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode member " + m, e); // in-memory stream: cannot happen
        }
        return bytes.toByteArray();
    }

    /** Decodes; throws {@link IllegalArgumentException} on bytes that are not a member of a known format. */
    public static MemberInfo decode(byte[] buf) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown member format " + format);
            }
            NodeId id = new NodeId(in.readLong());
            NodeAddress a = new NodeAddress(id, in.readUTF(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
            return new MemberInfo(a, in.readUTF(), in.readInt(), in.readUTF());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated member description", e);
        }
    }

    /** The member a JGroups address describes, empty if it is not a sheep's address. */
    public static Optional<MemberInfo> of(Address address) {
        if (address instanceof ExtendedUUID u) {
            byte[] b = u.get(KEY);
            if (b != null) {
                return Optional.of(decode(b));
            }
        }
        return Optional.empty();
    }
}
