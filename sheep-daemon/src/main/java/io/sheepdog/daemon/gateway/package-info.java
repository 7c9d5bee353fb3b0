/**
 * Object-level I/O as the VDI layer sees it: {@link io.sheepdog.daemon.gateway.ObjectGateway} reads and writes
 * whole objects by id wherever they live. Today the only implementation is the local store; with the cluster the
 * gateway forwards each request to the object's replica nodes. {@link io.sheepdog.daemon.gateway.KeyedSerializer}
 * orders the requests that touch one object without blocking threads.
 */
package io.sheepdog.daemon.gateway;
