/**
 * Hostile clients against a real daemon process: seeded, bounded fuzzers of the NBD handshake, the NBD transmission
 * phase and the sheep protocol (client and peer opcodes), each checking after every batch that the daemon still
 * serves normal clients, that the known data is unchanged and that its memory and threads stay bounded
 * ({@code testing.fuzz}). {@code -Dfuzz.seed=S -Dfuzz.first=I -Dfuzz.cases=N} replays the cases a failure names;
 * {@code -Dfuzz.cases=200000 -Dfuzz.seconds=1800} makes a long run.
 */
package io.sheepdog.daemon.it.hostile;
