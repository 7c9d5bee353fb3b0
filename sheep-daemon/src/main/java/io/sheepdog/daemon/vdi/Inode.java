package io.sheepdog.daemon.vdi;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The in-memory inode of one VDI: its record and its object map. Map entries are read on the I/O path without locks
 * (an atomic array) and changed only by the task that owns the object's turn in the {@code KeyedSerializer}.
 */
public final class Inode {
    private final VdiRecord record;
    private final AtomicIntegerArray dataVids;
    private volatile boolean deleted;

    public Inode(VdiRecord record, int[] map) {
        if (map.length != InodeLayout.objectCount(record.size())) {
            throw new IllegalArgumentException("map of " + map.length + " entries for a VDI of "
                    + InodeLayout.objectCount(record.size()) + " objects");
        }
        this.record = record;
        this.dataVids = new AtomicIntegerArray(map);
    }

    /** A new inode whose objects are all unallocated. */
    public static Inode empty(VdiRecord record) {
        return new Inode(record, new int[InodeLayout.objectCount(record.size())]);
    }

    public VdiRecord record() {
        return record;
    }

    public int vid() {
        return record.vid();
    }

    public long size() {
        return record.size();
    }

    public int objectCount() {
        return dataVids.length();
    }

    /** The VDI owning data object {@code index}, 0 if it was never written. */
    public int dataVid(int index) {
        return dataVids.get(index);
    }

    void setDataVid(int index, int vid) {
        dataVids.set(index, vid);
    }

    /** Objects this VDI owns and objects it shares with an ancestor. */
    public long[] ownedAndShared() {
        long owned = 0;
        long shared = 0;
        for (int i = 0; i < dataVids.length(); i++) {
            int v = dataVids.get(i);
            if (v == record.vid()) {
                owned++;
            } else if (v != 0) {
                shared++;
            }
        }
        return new long[] {owned, shared};
    }

    public boolean deleted() {
        return deleted;
    }

    void markDeleted() {
        deleted = true;
    }

    /** A copy of the map, for encoding. */
    int[] mapSnapshot() {
        int[] m = new int[dataVids.length()];
        for (int i = 0; i < m.length; i++) {
            m[i] = dataVids.get(i);
        }
        return m;
    }
}
