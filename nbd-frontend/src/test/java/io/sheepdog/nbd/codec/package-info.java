/** Byte-exact EmbeddedChannel tests of the NBD codecs, including input split at every byte boundary. */
package io.sheepdog.nbd.codec;
