/** {@code collie node}: the members of the cluster and their space (dog's node.c). */
package io.sheepdog.collie.node;
