/**
 * Hostile clients against a real daemon process: the bounds of docs/architecture.md, "Bounded resources"
 * ({@code MemoryBoundIT}), and seeded, bounded fuzzers of the NBD handshake, the NBD transmission
 * phase and the sheep protocol (client and peer opcodes), each checking after every batch that the daemon still
 * serves normal clients, that the known data is unchanged and that its memory and threads stay bounded
 * ({@code testing.fuzz}).
 *
 * <p>{@code -Dfuzz.seed=S -Dfuzz.first=I -Dfuzz.cases=N} replays the cases a failure names (it prints them);
 * {@code -Dfuzz.cases=200000 -Dfuzz.seconds=1800} makes a long run, {@code -Dfuzz.batch=N} checks more or less often,
 * {@code -Dfuzz.rssMarginMiB=M} changes the memory bound (a large one lets a run measure the growth instead), and
 * {@code -Dfuzz.daemonJvmArgs="..."} adds options to the daemon's JVM ({@code -XX:NativeMemoryTracking=summary}).
 * There is no {@code slow}-tagged long variant on purpose: slow tests still run in the full suite, which must stay
 * under 40 minutes; a long run is these properties away.
 */
package io.sheepdog.daemon.it.hostile;
