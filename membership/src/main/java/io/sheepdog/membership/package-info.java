/**
 * Who is in the cluster and where objects live: node ids, node descriptions, epochs and cluster views. Placement
 * (the consistent-hash ring) and the JGroups membership implementation join this package as the cluster grows;
 * everything at this level is pure and does no I/O.
 */
package io.sheepdog.membership;
