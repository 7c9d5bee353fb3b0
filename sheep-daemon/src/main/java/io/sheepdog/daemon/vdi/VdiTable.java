package io.sheepdog.daemon.vdi;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VDI table: every VDI's {@link VdiRecord}, persisted (synced) in the metadata store under
 * {@code vdi/<6 hex digits of the vid>} as JSON, and indexed in memory by name and by id.
 */
public final class VdiTable {
    private static final String PREFIX = "vdi/";
    private final MetadataStore metadata;
    private final ObjectMapper json;
    private final Map<String, VdiRecord> byName = new ConcurrentHashMap<>();
    private final Map<Integer, VdiRecord> byVid = new ConcurrentHashMap<>();

    public VdiTable(MetadataStore metadata, ObjectMapper json) throws StoreException {
        this.metadata = metadata;
        this.json = json;
        metadata.scan(PREFIX.getBytes(StandardCharsets.UTF_8), (k, v) -> {
            VdiRecord r = decode(v);
            byName.put(r.name(), r);
            byVid.put(r.vid(), r);
        });
    }

    public Optional<VdiRecord> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<VdiRecord> byVid(int vid) {
        return Optional.ofNullable(byVid.get(vid));
    }

    public boolean vidInUse(int vid) {
        return byVid.containsKey(vid);
    }

    /** Every record, sorted by name. */
    public List<VdiRecord> all() {
        List<VdiRecord> all = new ArrayList<>(byVid.values());
        all.sort(Comparator.comparing(VdiRecord::name));
        return all;
    }

    /** Adds or replaces a record, durably. */
    public void put(VdiRecord r) throws StoreException {
        try {
            metadata.put(key(r.vid()), json.writeValueAsBytes(r));
        } catch (IOException e) {
            throw e instanceof StoreException se ? se : new StoreException("encode VDI record", e);
        }
        byName.put(r.name(), r);
        byVid.put(r.vid(), r);
    }

    /** Removes a record, durably. */
    public void remove(VdiRecord r) throws StoreException {
        metadata.delete(key(r.vid()));
        byName.remove(r.name(), r);
        byVid.remove(r.vid(), r);
    }

    private VdiRecord decode(byte[] value) {
        try {
            return json.readValue(value, VdiRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt VDI record in the metadata store", e);
        }
    }

    private static byte[] key(int vid) {
        return String.format("%s%06x", PREFIX, vid).getBytes(StandardCharsets.UTF_8);
    }
}
