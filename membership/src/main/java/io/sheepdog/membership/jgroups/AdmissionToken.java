package io.sheepdog.membership.jgroups;

import io.sheepdog.membership.MemberInfo;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Supplier;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

/**
 * What a joining node presents to the coordinator: its {@link MemberInfo} as of the moment the join request is
 * sent (so a cluster id set by a format after start is included). {@link AdmissionAuth} decides on it.
 */
public final class AdmissionToken extends AuthToken {
    private final Supplier<MemberInfo> self;
    private MemberInfo received;

    /** For deserialization on the receiving side. */
    public AdmissionToken() {
        this.self = null;
    }

    /** The sending side: describes this node, freshly for every join request. */
    public AdmissionToken(Supplier<MemberInfo> self) {
        this.self = self;
    }

    /** The joiner, on the receiving side; null if the token was not read from the wire. */
    public MemberInfo joiner() {
        return received;
    }

    @Override
    public String getName() {
        return AdmissionToken.class.getName();
    }

    @Override
    public int size() {
        return Integer.BYTES + current().length;
    }

    /** Not used: {@link AdmissionAuth} decides with a reason instead of a yes/no. */
    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        return token instanceof AdmissionToken t && t.received != null;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        byte[] b = current();
        out.writeInt(b.length);
        out.write(b);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 4096) {
            throw new IOException("bad admission token length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        try {
            received = MemberCodec.decode(b);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad admission token", e);
        }
    }

    private byte[] current() {
        return MemberCodec.encode(self != null ? self.get() : received);
    }

    @Override
    public String toString() {
        return "AdmissionToken " + (self != null ? self.get() : received);
    }
}
