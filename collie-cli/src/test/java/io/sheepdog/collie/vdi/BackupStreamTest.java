package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The backup stream's records: written and read back byte for byte; out of order, overlapping or spanning refused. */
class BackupStreamTest {
    private static final long MIB = 1L << 20;

    @Test
    void recordsRoundTripFromHeapAndDirectBuffers() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackupStream.Writer w = new BackupStream.Writer(bytes, 8 * MIB);
        w.data(0, new byte[] {1, 2, 3}, 1, 2);
        ByteBuffer direct = ByteBuffer.allocateDirect(8).put(new byte[] {9, 8, 7, 6}).flip().position(1);
        w.data(4096, direct);
        w.zeroes(4 * MIB, (int) (4 * MIB));
        w.end();
        assertThat(bytes.size()).isEqualTo(16 + (13 + 2) + (13 + 3) + 13 + 1);

        BackupStream.Reader r = new BackupStream.Reader(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(r.size()).isEqualTo(8 * MIB);
        BackupStream.Record a = r.next();
        assertThat(a.kind()).isEqualTo(BackupStream.DATA);
        assertThat(a.data()).containsExactly(2, 3);
        assertThat(r.next().data()).containsExactly(8, 7, 6);
        BackupStream.Record z = r.next();
        assertThat(z).extracting(BackupStream.Record::kind, BackupStream.Record::offset, BackupStream.Record::length)
                .containsExactly(BackupStream.ZEROES, 4 * MIB, (int) (4 * MIB));
        assertThat(z.data()).isNull();
        assertThat(r.next()).isNull();
        assertThat(r.records()).isEqualTo(3);
    }

    @Test
    void recordsOutOfOrderOverlappingOrAcrossAnObjectAreDamage() throws IOException {
        assertDamaged(w -> {
            w.zeroes(8192, 4096);
            w.zeroes(4096, 4096);
        }, "record 2 (4096+4096) starts before the previous one ends (12288)");
        assertDamaged(w -> {
            w.data(0, new byte[8192], 0, 8192);
            w.zeroes(4096, 4096);
        }, "record 2 (4096+4096) starts before the previous one ends (8192)");
        assertDamaged(w -> w.zeroes(4 * MIB - 4096, 8192), "crosses a 4 MiB object boundary");
        assertDamaged(w -> w.zeroes(8 * MIB - 1, 2), "lies outside the VDI of 8388608 bytes");
        assertDamaged(w -> w.zeroes(0, 0), "lies outside");
    }

    private static void assertDamaged(Records records, String message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackupStream.Writer w = new BackupStream.Writer(bytes, 8 * MIB);
        records.write(w);
        w.end();
        BackupStream.Reader r = new BackupStream.Reader(new ByteArrayInputStream(bytes.toByteArray()));
        assertThatThrownBy(() -> {
            while (r.next() != null) {
                // read to the end or the damage
            }
        }).isInstanceOf(IOException.class).hasMessageStartingWith("damaged backup: record").hasMessageContaining(message);
    }

    @FunctionalInterface
    private interface Records {
        void write(BackupStream.Writer w) throws IOException;
    }
}
