/**
 * Test harness for real processes: {@link io.sheepdog.daemon.testing.process.SheepProcess} runs a sheep daemon as a
 * child JVM (kill -9, SIGTERM, restart on the same store and ports), and
 * {@link io.sheepdog.daemon.testing.process.ExternalCommand} runs the outside tools the integration tests drive
 * (qemu-io, nbdinfo, python3-libnbd snippets, the scripts) with a timeout. Every process started here is ended when
 * its owner closes it, and by a JVM shutdown hook if the owner never does.
 *
 * <p>Shipped in sheep-daemon's test-jar so collie-cli's integration tests use the same harness.
 */
package io.sheepdog.daemon.testing.process;
