/**
 * The NBD server: {@link io.sheepdog.nbd.server.NbdServer} binds a Netty server channel (epoll when available,
 * NIO otherwise) configured by {@link io.sheepdog.nbd.server.NbdServerConfig} and serves the exports of an
 * {@link io.sheepdog.nbd.ExportProvider}.
 *
 * <p>Each connection starts with the handshake pipeline installed by
 * {@link io.sheepdog.nbd.server.NbdServerInitializer}; when NBD_OPT_EXPORT_NAME or NBD_OPT_GO succeeds,
 * {@link io.sheepdog.nbd.server.NbdHandshakeHandler} replaces the handshake stages with the transmission stages
 * (the device for those two options comes from {@link io.sheepdog.nbd.ExportProvider#attach}, which may take a while:
 * {@link io.sheepdog.nbd.server.NbdAttacher} holds the client's further input back until it completes),
 * where {@link io.sheepdog.nbd.server.NbdTransmissionHandler} dispatches every request to the
 * {@link io.sheepdog.nbd.BlockDevice} asynchronously and writes each reply when its future completes (replies may
 * leave out of order). Nothing here blocks an event loop.
 */
package io.sheepdog.nbd.server;
