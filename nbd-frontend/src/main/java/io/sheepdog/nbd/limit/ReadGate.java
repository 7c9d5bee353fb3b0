package io.sheepdog.nbd.limit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whether a connection reads from its socket, decided in one place for every reason there is to stop: the channel's
 * auto-read is on exactly while no {@link Reason} holds. Sits next to the pipeline's head, so it also holds back
 * the {@code read()} a decoder issues on its own when a read produced no message with auto-read off (Netty's
 * {@code ByteToMessageDecoder.channelReadComplete}), which would otherwise keep reading while we wait. Used on the
 * channel's event loop only.
 */
public final class ReadGate extends ChannelOutboundHandlerAdapter {

    /** The name of the stage. */
    public static final String NAME = "readGate";

    /** Why reading is stopped. */
    public enum Reason {
        /** The connection has as many requests in flight as it may. */
        REQUESTS,
        /** The socket does not take our replies (the client does not read them). */
        UNWRITABLE,
        /** The next request's bytes do not fit in the connection's share or the server's budget. */
        BUDGET,
        /** The server is looking something up for the client (an NBD export) before it reads on. */
        LOOKUP,
        /** The connection is ending (NBD_CMD_DISC): nothing more is read. */
        CLOSING
    }

    private final Set<Reason> reasons = EnumSet.noneOf(Reason.class);
    private ChannelHandlerContext ctx;
    private boolean readHeld;

    /** The gate of {@code pipeline}, added first if it has none (a pipeline built by a test). */
    public static ReadGate of(ChannelPipeline pipeline) {
        ReadGate gate = pipeline.get(ReadGate.class);
        if (gate == null) {
            gate = new ReadGate();
            pipeline.addFirst(NAME, gate);
        }
        return gate;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Stops reading for {@code reason} ({@code true}) or lifts it ({@code false}). */
    public void hold(Reason reason, boolean held) {
        boolean changed = held ? reasons.add(reason) : reasons.remove(reason);
        if (changed && ctx != null) {
            update();
        }
    }

    /** Whether {@code reason} holds now. */
    public boolean holds(Reason reason) {
        return reasons.contains(reason);
    }

    /** Whether reading is stopped for any reason. */
    public boolean closed() {
        return !reasons.isEmpty();
    }

    private void update() {
        boolean open = reasons.isEmpty();
        if (ctx.channel().config().isAutoRead() != open) {
            ctx.channel().config().setAutoRead(open); // turning it on issues a read, which passes here
        }
        if (open && readHeld) {
            readHeld = false;
            ctx.read();
        }
    }

    @Override
    public void read(ChannelHandlerContext context) {
        if (!reasons.isEmpty()) {
            readHeld = true;
            return;
        }
        context.read();
    }
}
