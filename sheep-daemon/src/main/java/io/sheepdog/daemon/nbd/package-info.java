/** VDIs served as NBD exports: the export name is the VDI name. */
package io.sheepdog.daemon.nbd;
