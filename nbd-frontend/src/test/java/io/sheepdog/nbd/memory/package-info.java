/** Tests of the in-memory device. */
package io.sheepdog.nbd.memory;
