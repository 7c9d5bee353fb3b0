/** JMH benchmarks of the ring: one placement lookup, and building the ring of an epoch. Run by scripts/bench-jmh. */
package io.sheepdog.membership.ring.bench;
