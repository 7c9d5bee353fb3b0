/**
 * Offline placement simulation for {@code collie cluster simulate}: synthetic clusters placed by the daemon's own
 * {@link io.sheepdog.membership.ring.HashRing}, measured for balance, data movement on a join or a leave, and
 * lookup time, and drawn as a per-node load histogram. No daemon is involved.
 */
package io.sheepdog.collie.simulate;
