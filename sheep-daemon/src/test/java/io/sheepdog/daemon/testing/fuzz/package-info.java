/**
 * Seeded, bounded fuzzing against real daemons: {@link io.sheepdog.daemon.testing.fuzz.FuzzLoop} sends generated
 * cases (NBD handshakes and transmission bursts, sheep protocol frames) over fresh loopback connections and, after
 * every batch, checks that the daemon still serves normal clients ({@link io.sheepdog.daemon.testing.fuzz.DaemonHealth}).
 *
 * <p>A case depends only on the seed and its index ({@link io.sheepdog.daemon.testing.fuzz.FuzzSettings#random}), so
 * a failure names both and {@code -Dfuzz.seed=S -Dfuzz.first=I} replays it. Generators build wire bytes from the
 * project's protocol constants ({@code nbd.codec.NbdProtocol}, {@code daemon.proto.SheepProtocol}) and then damage
 * them with the structure-blind {@link io.sheepdog.daemon.testing.fuzz.Mutator}.
 */
package io.sheepdog.daemon.testing.fuzz;
