/** Integration tests of attach safety: VDI write locks, live migration and gateway restarts, with real clients. */
package io.sheepdog.daemon.it.locks;
