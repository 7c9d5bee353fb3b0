/** Hostile clients against a real daemon: the bounds of docs/architecture.md, "Bounded resources". */
package io.sheepdog.daemon.it.hostile;
