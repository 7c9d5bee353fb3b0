package io.sheepdog.store;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The simplest possible model of {@link ObjectStore} semantics: whole objects as byte arrays. */
public final class ObjectOracle {
    private final Map<Long, Model> objects = new HashMap<>();

    private static final class Model {
        final byte[] data = new byte[OBJECT_SIZE];
        final BitSet allocated = new BitSet();
        ObjectVersion version = ObjectVersion.NONE;
    }

    public void write(long oid, long offset, byte[] bytes, long epoch) {
        Model m = objects.computeIfAbsent(oid, k -> new Model());
        System.arraycopy(bytes, 0, m.data, (int) offset, bytes.length);
        m.allocated.set(block(offset), block(offset + bytes.length - 1) + 1);
        m.version = m.version.next(epoch);
    }

    public void zero(long oid, long offset, int length, boolean discard, long epoch) {
        if (!discard) {
            write(oid, offset, new byte[length], epoch);
            return;
        }
        Model m = objects.get(oid);
        if (m == null) {
            return;
        }
        long end = offset + length;
        Arrays.fill(m.data, (int) offset, (int) end, (byte) 0);
        for (int b = block(offset); b <= block(end - 1); b++) {
            long start = (long) b * BLOCK_SIZE;
            if (offset <= start && end >= start + BLOCK_SIZE) {
                m.allocated.clear(b);
            }
        }
        m.version = m.version.next(epoch);
    }

    public void delete(long oid) {
        objects.remove(oid);
    }

    public byte[] read(long oid, long offset, int length) {
        Model m = objects.get(oid);
        return m == null ? new byte[length] : Arrays.copyOfRange(m.data, (int) offset, (int) offset + length);
    }

    public Optional<ObjectVersion> version(long oid) {
        return Optional.ofNullable(objects.get(oid)).map(m -> m.version);
    }

    public BitSet allocation(long oid) {
        Model m = objects.get(oid);
        return m == null ? new BitSet() : (BitSet) m.allocated.clone();
    }

    public Set<Long> oids() {
        return Set.copyOf(objects.keySet());
    }

    public long usedBytes() {
        return objects.values().stream().mapToLong(m -> (long) m.allocated.cardinality() * BLOCK_SIZE).sum();
    }

    private static int block(long offset) {
        return (int) (offset / BLOCK_SIZE);
    }
}
