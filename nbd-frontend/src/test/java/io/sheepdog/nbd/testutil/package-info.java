/** Test helpers: wire-format builders, EmbeddedChannel helpers and a small blocking NBD client. */
package io.sheepdog.nbd.testutil;
