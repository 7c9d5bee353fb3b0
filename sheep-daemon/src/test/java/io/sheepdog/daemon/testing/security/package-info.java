/** Keys for tests: a cluster CA and client keys of any role, validity or CA, made in a temp directory. */
package io.sheepdog.daemon.testing.security;
