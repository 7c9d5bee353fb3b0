package io.sheepdog.daemon.client;

import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepResponse;
import java.util.concurrent.CompletableFuture;

/**
 * A request sent and not yet answered.
 *
 * @param opcode  what was asked, for messages
 * @param future  completed with the response, or failed with a SheepException
 * @param timeout the scheduled timeout, cancelled when the answer arrives
 * @param written done once the request has left this process (or failed to): until then the frame may still read
 *                the caller's payload
 */
record PendingCall(Opcode opcode, CompletableFuture<SheepResponse> future, ScheduledFuture<?> timeout,
                   ChannelFuture written) {
}
