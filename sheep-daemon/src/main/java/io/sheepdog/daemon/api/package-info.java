/**
 * The operations a sheep offers to its clients (collie, the NBD frontend, other sheep acting as gateways), as Java
 * interfaces and model records, independent of the wire. {@code daemon.proto} encodes them; the daemon implements
 * them. Result codes map one to one to wire codes and to collie's exit codes. {@code Durations} checks the
 * timeouts of every component's config record.
 */
package io.sheepdog.daemon.api;
