/**
 * End-to-end tests of collie and of the cluster scripts against real sheep daemon processes (failsafe, {@code *IT}).
 * {@link io.sheepdog.collie.it.CollieRunner} runs collie the way a user does, as its own JVM, so exit codes,
 * stdout and stderr are the real ones.
 */
package io.sheepdog.collie.it;
