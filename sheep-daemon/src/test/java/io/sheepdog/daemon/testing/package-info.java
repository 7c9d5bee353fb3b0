/**
 * Test support shared through the sheep-daemon test-jar: {@link io.sheepdog.daemon.testing.FakeSheep}, an in-memory
 * daemon (ClusterOps and VdiOps over maps and byte arrays) to serve with a real {@code SheepServer} in client and
 * collie tests.
 */
package io.sheepdog.daemon.testing;
