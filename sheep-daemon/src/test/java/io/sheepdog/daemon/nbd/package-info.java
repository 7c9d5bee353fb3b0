/** Tests of the VDIs as NBD exports: the sheepdog:diff metadata contexts over a real VDI service. */
package io.sheepdog.daemon.nbd;
