package io.sheepdog.nbd.codec;

/**
 * The answer to a successful NBD_OPT_EXPORT_NAME: export size, transmission flags and, unless the client
 * negotiated NBD_FLAG_C_NO_ZEROES, 124 zero bytes.
 *
 * @param size              export size in bytes
 * @param transmissionFlags the export's {@link NbdTransmissionFlag}s
 * @param noZeroes          omit the 124 zero bytes
 */
public record NbdExportNameReply(long size, int transmissionFlags, boolean noZeroes) implements NbdHandshakeReply {
}
