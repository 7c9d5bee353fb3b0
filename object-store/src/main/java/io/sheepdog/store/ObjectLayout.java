package io.sheepdog.store;

/** Sizes fixed by the object layout; every module takes them from here. */
public final class ObjectLayout {
    /** Size of a data object, and the largest size of any object: 4 MiB as in Sheepdog. */
    public static final int OBJECT_SIZE = 4 << 20;
    /** Unit of checksums and of allocation tracking inside an object. */
    public static final int BLOCK_SIZE = 4096;
    /** Blocks in a full-size object. */
    public static final int BLOCKS_PER_OBJECT = OBJECT_SIZE / BLOCK_SIZE;

    private ObjectLayout() {
    }
}
