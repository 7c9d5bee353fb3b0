/**
 * The sheep wire protocol: one fixed 64-byte header followed by an optional payload, in both directions.
 *
 * <p>Every wire constant lives in {@link io.sheepdog.daemon.proto.SheepProtocol} and
 * {@link io.sheepdog.daemon.proto.Opcode}. {@link io.sheepdog.daemon.proto.SheepRequestDecoder} and
 * {@link io.sheepdog.daemon.proto.SheepResponseDecoder} turn bytes into {@link io.sheepdog.daemon.proto.SheepRequest}
 * and {@link io.sheepdog.daemon.proto.SheepResponse} records (or a {@link io.sheepdog.daemon.proto.SheepDecodeFailure}
 * the logic answers); {@link io.sheepdog.daemon.proto.SheepEncoder} writes either record back. Control operations
 * carry JSON ({@link io.sheepdog.daemon.proto.SheepJson}); data operations carry raw bytes; the sheep-to-sheep
 * operations' payload formats are in {@link io.sheepdog.daemon.proto.PeerWire}. The layout follows
 * Sheepdog's {@code struct sd_req}/{@code struct sd_rsp} (include/sheepdog_proto.h) with a magic, a 64-bit request id
 * so that many requests are in flight on one connection, and a frame size cap checked before any allocation.
 */
package io.sheepdog.daemon.proto;
