/**
 * Recovery: after every epoch change each data node makes sure it holds a current copy of every object the new
 * epoch places on it, copying what it lacks (or holds behind) from a node that has the newest version.
 *
 * <ol>
 * <li><b>Plan</b> ({@link io.sheepdog.daemon.recovery.RecoveryPlan}): the node asks every data node of the epoch
 *     for its object list with versions (PEER_LIST_OBJ, answered once the peer is at the epoch and finished every
 *     request of an older one), and picks the objects it owns whose local copy is missing or older than the newest
 *     copy anywhere.</li>
 * <li><b>Copy</b>: objects are copied whole (PEER_GET_OBJ, installed with their exact version), a few at a time
 *     under a bandwidth limit ({@link io.sheepdog.daemon.recovery.RecoveryThrottle}). A request for an object not
 *     copied yet waits for it and moves it to the front ({@link io.sheepdog.daemon.peer.ObjectGate}), so no
 *     request is ever served from a missing or stale copy.</li>
 * <li><b>Purge</b>: when every data node of the epoch has finished, each node removes the copies the epoch no
 *     longer places on it, but only those that every owner holds at least as new; until then nothing is removed,
 *     so a failure during recovery loses nothing.</li>
 * </ol>
 * A new epoch during any step cancels the run and starts a new plan; what was copied stays and counts as current.
 */
package io.sheepdog.daemon.recovery;
