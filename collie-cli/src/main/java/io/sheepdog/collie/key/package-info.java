/**
 * {@code collie cluster keygen} and {@code collie key}: the cluster's CA and the keys of nodes, operators and
 * hypervisors, made offline (docs/operations.md, "Keys").
 */
package io.sheepdog.collie.key;
