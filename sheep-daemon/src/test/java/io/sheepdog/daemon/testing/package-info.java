/**
 * Test support shared through the sheep-daemon test-jar: {@link io.sheepdog.daemon.testing.FakeSheep}, an in-memory
 * daemon (ClusterOps and VdiOps over maps and byte arrays) to serve with a real {@code SheepServer} in client and
 * collie tests, and {@link io.sheepdog.daemon.testing.VdiOpsContract}, the VDI rules every
 * {@link io.sheepdog.daemon.api.VdiOps} follows, run against FakeSheep and the daemon's VDI service.
 */
package io.sheepdog.daemon.testing;
