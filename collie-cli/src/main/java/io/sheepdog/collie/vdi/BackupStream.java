package io.sheepdog.collie.vdi;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stream of {@code collie vdi backup} and {@code vdi restore}: the blocks in which one snapshot differs from an
 * earlier one (or all allocated blocks), as {@code dog vdi backup} and {@code rbd export-diff} write them. All
 * numbers are big-endian.
 * <pre>
 * header:  8 bytes magic "SDJBKUP1", u64 size of the VDI in bytes
 * records: u8 kind (1 = data, 2 = zeroes), u64 offset, u32 length, then length bytes for data
 * end:     u8 kind 0
 * </pre>
 * Applying the records in order to a VDI holding the earlier snapshot's content gives the later one's.
 */
final class BackupStream {
    static final byte[] MAGIC = "SDJBKUP1".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 1;
    static final int ZEROES = 2;
    static final int END = 0;

    private BackupStream() {
    }

    /** Writes records. */
    static final class Writer {
        private final DataOutputStream out;

        Writer(OutputStream out, long size) throws IOException {
            this.out = new DataOutputStream(out);
            this.out.write(MAGIC);
            this.out.writeLong(size);
        }

        void data(long offset, byte[] b, int from, int length) throws IOException {
            out.writeByte(DATA);
            out.writeLong(offset);
            out.writeInt(length);
            out.write(b, from, length);
        }

        void zeroes(long offset, int length) throws IOException {
            out.writeByte(ZEROES);
            out.writeLong(offset);
            out.writeInt(length);
        }

        void end() throws IOException {
            out.writeByte(END);
            out.flush();
        }
    }

    /** One record read back; {@code data} is null for zeroes. */
    record Record(int kind, long offset, int length, byte[] data) {
    }

    /** Reads records; throws {@link IOException} with a clear message on anything malformed. */
    static final class Reader {
        private final DataInputStream in;
        private final long size;

        Reader(InputStream in) throws IOException {
            this.in = new DataInputStream(in);
            byte[] magic = new byte[MAGIC.length];
            try {
                this.in.readFully(magic);
                this.size = this.in.readLong();
            } catch (EOFException e) {
                throw new IOException("not a collie backup: the stream is too short for its header", e);
            }
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a collie backup (no SDJBKUP1 header)");
            }
        }

        long size() {
            return size;
        }

        /** The next record, or null at the end. */
        Record next() throws IOException {
            try {
                int kind = in.readUnsignedByte();
                if (kind == END) {
                    return null;
                }
                if (kind != DATA && kind != ZEROES) {
                    throw new IOException("damaged backup: unknown record kind " + kind);
                }
                long offset = in.readLong();
                int length = in.readInt();
                if (offset < 0 || length <= 0 || offset > size - length) {
                    throw new IOException("damaged backup: record " + offset + "+" + length + " outside the VDI of "
                            + size + " bytes");
                }
                byte[] data = null;
                if (kind == DATA) {
                    data = new byte[length];
                    in.readFully(data);
                }
                return new Record(kind, offset, length, data);
            } catch (EOFException e) {
                throw new IOException("truncated backup: it ends before its end record", e);
            }
        }
    }
}
