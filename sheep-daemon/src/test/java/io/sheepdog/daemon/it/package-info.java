/**
 * Integration tests of the daemon as a real process (failsafe, {@code *IT}): its start/stop contract, NBD
 * conformance with outside clients, and durability of flushed and FUA writes across kill -9.
 */
package io.sheepdog.daemon.it;
