/** Clusters started with keys: who may join, connect and do what, over real TLS between real processes. */
package io.sheepdog.daemon.it.security;
