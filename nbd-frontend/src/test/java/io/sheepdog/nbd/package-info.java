/** Tests of the SPI and model types. */
package io.sheepdog.nbd;
