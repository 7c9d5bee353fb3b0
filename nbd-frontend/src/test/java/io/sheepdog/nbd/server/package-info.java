/**
 * Server tests: the handshake and transmission handlers through EmbeddedChannel, and the whole server over real
 * sockets (concurrency, protocol violations, a randomised oracle comparison, the shared conformance script).
 */
package io.sheepdog.nbd.server;
