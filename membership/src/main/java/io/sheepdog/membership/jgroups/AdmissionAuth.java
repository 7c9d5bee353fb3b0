package io.sheepdog.membership.jgroups;

import io.sheepdog.membership.Admission;
import io.sheepdog.membership.MemberInfo;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.AuthHeader;
import org.jgroups.protocols.pbcast.GMS;

/**
 * JGroups {@link AUTH} that applies {@link Admission} to join and merge requests on the coordinator and, unlike
 * plain AUTH, sends the joiner the reason it was refused (its {@code connect} fails with it). Sits right below GMS.
 * The coordinator's own answers are not checked ({@code auth_coord=false}): the coordinator knows both sides; nor
 * are this node's own requests (a merge leader's MERGE_REQ to itself).
 */
public final class AdmissionAuth extends AUTH {
    /** Protocol id, above the range JGroups and jgroups-raft use. */
    public static final short PROTOCOL_ID = 1540;

    static {
        ClassConfigurator.addProtocol(PROTOCOL_ID, AdmissionAuth.class);
    }

    private final int localVersion;
    private final Supplier<String> localClusterId;
    private final Supplier<Collection<MemberInfo>> members;
    private final BiConsumer<MemberInfo, String> onRefused;

    /**
     * @param self           this node's token (what it presents when it joins)
     * @param localVersion   this node's protocol version
     * @param localClusterId this node's cluster id, empty if none
     * @param members        the current members (their join-time cluster ids count when this node has none)
     * @param onRefused      told about every refusal (joiner, reason), on a JGroups thread
     */
    public AdmissionAuth(AdmissionToken self, int localVersion, Supplier<String> localClusterId,
                         Supplier<Collection<MemberInfo>> members, BiConsumer<MemberInfo, String> onRefused) {
        this.localVersion = localVersion;
        this.localClusterId = localClusterId;
        this.members = members;
        this.onRefused = onRefused;
        setAuthToken(self);
        self.setAuth(this);
        setAuthCoord(false);
    }

    @Override
    protected boolean handleAuthHeader(GMS.GmsHeader gmsHeader, AuthHeader authHeader, Message msg) {
        if (!needsAuthentication(msg, gmsHeader)) {
            return true;
        }
        if (msg.getSrc() != null && msg.getSrc().equals(local_addr)) {
            // This node's own request, by loopback: a merge leader sends MERGE_REQ to every subgroup coordinator,
            // itself included. Its token never went over the wire (nothing was decoded from it), and there is
            // nothing to check about ourselves; refusing it would cancel every merge this node leads.
            return true;
        }
        MemberInfo joiner = authHeader.getToken() instanceof AdmissionToken t ? t.joiner() : null;
        Optional<String> reason = joiner == null
                ? Optional.of("the joiner " + msg.getSrc() + " is not a sheep (no admission token)")
                : Admission.refusal(joiner, localVersion,
                        Admission.groupClusterId(localClusterId.get(), members.get()));
        if (reason.isEmpty()) {
            return true;
        }
        log.warn("%s: refused %s: %s", local_addr, msg.getSrc(), reason.get());
        if (joiner != null) {
            onRefused.accept(joiner, reason.get());
        }
        sendRejectionMessage(gmsHeader.getType(), msg.getSrc(), reason.get());
        return false;
    }
}
