package io.sheepdog.store;

/**
 * The version of one object replica: the cluster epoch of its last write and a per-object sequence number that
 * every write increments. Versions order replicas: a replica with a smaller version is behind and must not be
 * served (recovery compares them). Ordered by epoch first, then sequence.
 *
 * @param epoch    cluster epoch in which the last write happened
 * @param sequence number of writes applied to the object since it was created (1 after the first write)
 */
public record ObjectVersion(long epoch, long sequence) implements Comparable<ObjectVersion> {
    /** The version of an object that was never written. */
    public static final ObjectVersion NONE = new ObjectVersion(0, 0);

    /** The version after one more write in {@code currentEpoch}. */
    public ObjectVersion next(long currentEpoch) {
        return new ObjectVersion(Math.max(epoch, currentEpoch), sequence + 1);
    }

    @Override
    public int compareTo(ObjectVersion o) {
        int c = Long.compare(epoch, o.epoch);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public String toString() {
        return epoch + "." + sequence;
    }
}
