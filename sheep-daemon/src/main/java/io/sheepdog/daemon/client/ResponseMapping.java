package io.sheepdog.daemon.client;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.SheepJson;
import io.sheepdog.daemon.proto.SheepResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns response futures into the typed results of the api: error responses become {@link SheepException}s with the
 * daemon's code and message, success payloads become records, bytes or nothing. Every response is released here,
 * except the payload handed out by {@link #bytes}. The returned futures fail with the SheepException itself, not
 * wrapped.
 */
public final class ResponseMapping {

    /** Maps a successful response; may throw to fail the call. */
    @FunctionalInterface
    public interface Mapper<T> {
        T map(SheepResponse ok) throws SheepException, IOException;
    }

    private ResponseMapping() {
    }

    public static CompletableFuture<Void> empty(CompletableFuture<SheepResponse> call, String peer) {
        return map(call, peer, ok -> null);
    }

    public static <T> CompletableFuture<T> json(CompletableFuture<SheepResponse> call, Class<T> type, String peer) {
        return map(call, peer, ok -> SheepJson.decode(ok.payload(), type));
    }

    public static <T> CompletableFuture<List<T>> jsonList(CompletableFuture<SheepResponse> call, Class<T> type,
                                                   String peer) {
        return map(call, peer, ok -> SheepJson.decodeList(ok.payload(), type));
    }

    /** The payload of a successful response, exactly {@code length} bytes, owned by the caller. */
    public static CompletableFuture<ByteBuf> bytes(CompletableFuture<SheepResponse> call, int length, String peer) {
        return map(call, peer, ok -> {
            if (ok.payload().readableBytes() != length) {
                throw new SheepException(ResultCode.EIO, "sheep at " + peer + " answered " + ok.opcodeName()
                        + " with " + ok.payload().readableBytes() + " bytes instead of " + length);
            }
            return ok.payload().retain();
        });
    }

    /** Maps a successful response with {@code mapper}, on the thread completing {@code call}; releases it after. */
    public static <T> CompletableFuture<T> map(CompletableFuture<SheepResponse> call, String peer, Mapper<T> mapper) {
        CompletableFuture<T> result = new CompletableFuture<>();
        call.whenComplete((response, failure) -> {
            if (failure != null) {
                result.completeExceptionally(SheepException.of(failure));
                return;
            }
            try {
                if (!response.isSuccess()) {
                    result.completeExceptionally(response.toException());
                } else {
                    result.complete(mapper.map(response));
                }
            } catch (SheepException e) {
                result.completeExceptionally(e);
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(new SheepException(ResultCode.UNKNOWN, "malformed "
                        + response.opcodeName() + " response from sheep at " + peer + ": " + e.getMessage(), e));
            } finally {
                response.release();
            }
        });
        return result;
    }
}
