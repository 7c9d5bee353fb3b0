package io.sheepdog.collie.vdi;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
 * Each record lies within one 4 MiB object ({@link VdiTransfer#OBJECT_SIZE}), and the records come in ascending order
 * of offset without overlapping, so a reader may apply them in any order (restore keeps several in flight) and knows
 * how far through the VDI it is. The {@link Reader} refuses a stream that breaks either rule. Applying the records
 * to a VDI holding the earlier snapshot's content gives the later one's.
 */
final class BackupStream {
    static final byte[] MAGIC = "SDJBKUP1".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 1;
    static final int ZEROES = 2;
    static final int END = 0;

    private BackupStream() {
    }

    /** Writes records; the caller keeps them in ascending order, each within one object. */
    static final class Writer {
        private final DataOutputStream out;
        private byte[] scratch = new byte[0];

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

        /** A data record of the bytes from {@code b}'s position to its limit (a heap or a direct buffer). */
        void data(long offset, ByteBuffer b) throws IOException {
            int length = b.remaining();
            if (b.hasArray()) {
                data(offset, b.array(), b.arrayOffset() + b.position(), length);
                return;
            }
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, VdiTransfer.OBJECT_SIZE)];
            }
            b.duplicate().get(scratch, 0, length);
            data(offset, scratch, 0, length);
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
        long end() {
            return offset + length;
        }
    }

    /** Reads records; throws {@link IOException} with a clear message on anything malformed. */
    static final class Reader {
        private final DataInputStream in;
        private final long size;
        private long end;
        private long records;

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
            if (size <= 0) {
                throw new IOException("damaged backup: its header gives the VDI " + size + " bytes");
            }
        }

        long size() {
            return size;
        }

        /** How many records {@link #next} returned. */
        long records() {
            return records;
        }

        /** The next record, or null at the end. */
        Record next() throws IOException {
            try {
                int kind = in.readUnsignedByte();
                if (kind == END) {
                    return null;
                }
                if (kind != DATA && kind != ZEROES) {
                    throw new IOException("damaged backup: unknown record kind " + kind + " after record " + records);
                }
                long offset = in.readLong();
                int length = in.readInt();
                check(offset, length);
                byte[] data = null;
                if (kind == DATA) {
                    data = new byte[length];
                    in.readFully(data);
                }
                records++;
                end = offset + length;
                return new Record(kind, offset, length, data);
            } catch (EOFException e) {
                throw new IOException("truncated backup: it ends before its end record, after record " + records, e);
            }
        }

        private void check(long offset, int length) throws IOException {
            String record = "damaged backup: record " + (records + 1) + " (" + offset + "+" + length + ")";
            if (offset < 0 || length <= 0 || offset > size - length) {
                throw new IOException(record + " lies outside the VDI of " + size + " bytes");
            }
            if (offset / VdiTransfer.OBJECT_SIZE != (offset + length - 1) / VdiTransfer.OBJECT_SIZE) {
                throw new IOException(record + " crosses a 4 MiB object boundary");
            }
            if (offset < end) {
                throw new IOException(record + " starts before the previous one ends (" + end + ")");
            }
        }
    }
}
