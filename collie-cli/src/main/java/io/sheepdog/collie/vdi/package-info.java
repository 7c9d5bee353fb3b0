/**
 * {@code collie vdi}: create, list, delete VDIs and move their bytes through stdin/stdout (dog's vdi.c). Data moves in
 * chunks that never cross a 4 MiB object boundary, several in flight at once ({@link io.sheepdog.collie.vdi.VdiTransfer}).
 */
package io.sheepdog.collie.vdi;
