package io.sheepdog.nbd.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryBlockDeviceTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private static byte[] read(MemoryBlockDevice device, long offset, int length) {
        ByteBuf buf = device.read(offset, length).join();
        try {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } finally {
            buf.release();
        }
    }

    private static void write(MemoryBlockDevice device, long offset, byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        device.write(offset, buf, false).join();
        buf.release();
    }

    @Test
    void readsBackWritesAcrossBlockBoundariesAndHolesReadAsZero() {
        MemoryBlockDevice device = new MemoryBlockDevice(1 << 20, executor);
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 1);
        }
        write(device, 4000, data);
        assertThat(read(device, 4000, data.length)).isEqualTo(data);
        assertThat(read(device, 0, 4000)).isEqualTo(new byte[4000]);
        assertThat(read(device, 14_000, 100)).isEqualTo(new byte[100]);
        assertThat(device.snapshot(4000, data.length)).isEqualTo(data);
        assertThat(device.allocatedBytes()).isEqualTo(4 * 4096);
    }

    @Test
    void trimFreesWholeBlocksAndZeroesPartialOnes() {
        MemoryBlockDevice device = new MemoryBlockDevice(1 << 20, executor);
        byte[] ones = new byte[5 * 4096];
        java.util.Arrays.fill(ones, (byte) 1);
        write(device, 0, ones);
        device.trim(100, 3 * 4096, false).join();
        assertThat(read(device, 100, 3 * 4096)).isEqualTo(new byte[3 * 4096]);
        assertThat(read(device, 0, 100)).containsOnly(1);
        assertThat(read(device, 100 + 3 * 4096, 200)).containsOnly(1);
        assertThat(device.allocatedBytes()).as("blocks 1 and 2 freed").isEqualTo(3 * 4096);
    }

    @Test
    void writeZeroesWithNoHoleKeepsTheRangeAllocated() {
        MemoryBlockDevice device = new MemoryBlockDevice(1 << 20, executor);
        device.writeZeroes(0, 8192, true, false).join();
        assertThat(device.allocatedBytes()).isEqualTo(8192);
        device.writeZeroes(0, 8192, false, true).join();
        assertThat(device.allocatedBytes()).isZero();
        assertThat(read(device, 0, 8192)).isEqualTo(new byte[8192]);
    }

    @Test
    void hugeTrimsAndZeroesNeedNoBuffers() {
        long size = 8L << 30;
        MemoryBlockDevice device = new MemoryBlockDevice(size, 1 << 16, false, executor);
        write(device, size - 10, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        device.writeZeroes(size - 0xFFFF_FFFFL, 0xFFFF_FFFFL, false, false).join();
        device.trim(0, 0xFFFF_FFFFL, false).join();
        assertThat(read(device, size - 10, 10)).isEqualTo(new byte[10]);
        assertThat(device.allocatedBytes()).isZero();
    }

    @Test
    void blockStatusReportsRunsStartingAtTheOffset() {
        MemoryBlockDevice device = new MemoryBlockDevice(64 * 1024, executor);
        write(device, 8192, new byte[4096]);
        write(device, 12288, new byte[1]);
        assertThat(device.blockStatus(100, 30_000).join()).containsExactly(
                new Extent(8092, true, true), new Extent(8192, false, false), new Extent(30_000 - 8092 - 8192, true,
                        true));
        assertThat(device.blockStatus(9000, 10).join()).containsExactly(new Extent(10, false, false));
        assertThat(device.blockStatus(64 * 1024 - 1, 1).join()).isEqualTo(List.of(new Extent(1, true, true)));
    }

    @Test
    void rangeAndPermissionErrors() {
        MemoryBlockDevice device = new MemoryBlockDevice(4096, executor);
        assertError(() -> device.read(4000, 100).join(), NbdError.EINVAL);
        ByteBuf data = Unpooled.wrappedBuffer(new byte[200]);
        assertError(() -> device.write(4000, data, false).join(), NbdError.ENOSPC);
        data.release();
        assertError(() -> device.writeZeroes(0, 4097, false, false).join(), NbdError.ENOSPC);
        MemoryBlockDevice readOnly = new MemoryBlockDevice(4096, 4096, true, executor);
        assertError(() -> readOnly.trim(0, 1, false).join(), NbdError.EPERM);
        assertThat(readOnly.readOnly()).isTrue();
        assertThat(device.multiConn()).isTrue();
    }

    @Test
    void flushesAreCounted() {
        MemoryBlockDevice device = new MemoryBlockDevice(4096, Runnable::run);
        device.flush().join();
        device.flush().join();
        assertThat(device.flushCount()).isEqualTo(2);
    }

    private static void assertError(Runnable op, NbdError error) {
        assertThatThrownBy(op::run).isInstanceOf(CompletionException.class).cause()
                .isInstanceOfSatisfying(BlockDeviceException.class, e -> assertThat(e.error()).isEqualTo(error));
    }
}
