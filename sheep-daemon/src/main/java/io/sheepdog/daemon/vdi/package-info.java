/**
 * VDIs (virtual disk images): the VDI table, VDI ids, inode objects and the translation of byte ranges of a VDI
 * into object requests. The inode maps every object index to the id of the VDI that owns the data object
 * ({@code data_vdi_id} as in Sheepdog), so a clone or snapshot can share its parent's objects and copy one on its
 * first write.
 */
package io.sheepdog.daemon.vdi;
