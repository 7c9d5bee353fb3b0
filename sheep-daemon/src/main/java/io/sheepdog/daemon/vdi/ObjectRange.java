package io.sheepdog.daemon.vdi;

import io.sheepdog.store.ObjectLayout;

/**
 * Splits a byte range of a VDI into the pieces that fall into each object.
 */
final class ObjectRange {
    private ObjectRange() {
    }

    /** Receives one piece: object index, offset inside the object, piece length, offset inside the range. */
    @FunctionalInterface
    interface PieceConsumer {
        void accept(int index, long objectOffset, long length, long rangeOffset);
    }

    /** Calls {@code consumer} for each object piece of {@code [offset, offset+length)}, in order. */
    static void forEachPiece(long offset, long length, PieceConsumer consumer) {
        long done = 0;
        while (done < length) {
            long pos = offset + done;
            int index = (int) (pos / ObjectLayout.OBJECT_SIZE);
            long objectOffset = pos % ObjectLayout.OBJECT_SIZE;
            long n = Math.min(length - done, ObjectLayout.OBJECT_SIZE - objectOffset);
            consumer.accept(index, objectOffset, n, done);
            done += n;
        }
    }
}
