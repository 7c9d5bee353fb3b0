/**
 * Bounded resources for a Netty server, whatever protocol it speaks (docs/architecture.md, "Bounded resources"):
 * a server-wide {@link io.sheepdog.nbd.limit.ByteBudget} of bytes in flight shared by every connection, each
 * connection's {@link io.sheepdog.nbd.limit.ConnectionBudget} share of it that its decoder reserves from before it
 * accepts a request ({@link io.sheepdog.nbd.limit.Admission}), the {@link io.sheepdog.nbd.limit.ReadGate} that stops
 * and resumes reading from a socket for every reason at once, the {@link io.sheepdog.nbd.limit.ConnectionWatchdog}
 * that closes connections past their timeouts, the {@link io.sheepdog.nbd.limit.ConnectionLimit} per port, and the
 * {@link io.sheepdog.nbd.limit.RateLimitedLog} for what hostile clients cause. The NBD server and the sheep protocol
 * server both use it; it knows neither protocol.
 */
package io.sheepdog.nbd.limit;
