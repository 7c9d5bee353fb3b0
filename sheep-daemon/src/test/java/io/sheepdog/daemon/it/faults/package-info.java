/**
 * Fault tests: real daemon processes killed with {@code kill -9}, restarted, cut off or run out of disk while real
 * NBD clients write with verification headers. Each fails if anything acknowledged is lost, if a replica is left
 * missing after recovery, or if a node serves data it should not.
 */
package io.sheepdog.daemon.it.faults;
