package io.sheepdog.daemon.client;

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
 */
record PendingCall(Opcode opcode, CompletableFuture<SheepResponse> future, ScheduledFuture<?> timeout) {
}
