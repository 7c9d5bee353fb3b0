/** JMH benchmarks of the NBD wire codecs (request decoding, reply encoding). Run by scripts/bench-jmh. */
package io.sheepdog.nbd.codec.bench;
