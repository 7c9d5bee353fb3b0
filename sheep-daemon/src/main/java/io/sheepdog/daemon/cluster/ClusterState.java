package io.sheepdog.daemon.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.gateway.StoreErrors;
import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The format record and the epoch history, persisted (synced) in the metadata store under {@code cluster/format}
 * and {@code cluster/epoch/<20-digit epoch>}. Thread-safe.
 */
public final class ClusterState {
    private static final byte[] FORMAT_KEY = "cluster/format".getBytes(StandardCharsets.UTF_8);
    private static final String EPOCH_PREFIX = "cluster/epoch/";

    private final MetadataStore metadata;
    private final ObjectMapper json;
    private volatile FormatRecord format;
    private final List<EpochInfo> epochs = new ArrayList<>();

    public ClusterState(MetadataStore metadata, ObjectMapper json) throws StoreException {
        this.metadata = metadata;
        this.json = json;
        this.format = metadata.get(FORMAT_KEY).map(v -> decode(v, FormatRecord.class)).orElse(null);
        metadata.scan(EPOCH_PREFIX.getBytes(StandardCharsets.UTF_8),
                (k, v) -> epochs.add(decode(v, EpochInfo.class)));
        epochs.sort(Comparator.comparingLong(EpochInfo::epoch));
    }

    public Optional<FormatRecord> format() {
        return Optional.ofNullable(format);
    }

    /** Throws NOT_FORMATTED unless the cluster was formatted. */
    public void requireFormatted() throws SheepException {
        if (format == null) {
            throw new SheepException(ResultCode.NOT_FORMATTED,
                    "the cluster is not formatted yet: run 'collie cluster format'");
        }
    }

    /** The default copy count, 1 before format. */
    public int copies() {
        FormatRecord f = format;
        return f == null ? 1 : f.copies();
    }

    /** The current epoch, 0 before format. */
    public synchronized long epoch() {
        return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
    }

    /** The epoch history, newest first. */
    public synchronized List<EpochInfo> epochsNewestFirst() {
        List<EpochInfo> l = new ArrayList<>(epochs);
        l.sort(Comparator.comparingLong(EpochInfo::epoch).reversed());
        return l;
    }

    /** Records a new format (replacing any old one and its epoch history) and starts epoch 1 with {@code nodes}. */
    public synchronized void setFormat(FormatRecord record, List<String> nodes) throws SheepException {
        try {
            for (EpochInfo e : epochs) {
                metadata.delete(epochKey(e.epoch()));
            }
            epochs.clear();
            metadata.put(FORMAT_KEY, encode(record));
            format = record;
            addEpoch(new EpochInfo(1, record.createdMillis(), List.copyOf(nodes)));
        } catch (StoreException e) {
            throw StoreErrors.toSheep(e);
        }
    }

    /** Appends an epoch to the history. */
    public synchronized void addEpoch(EpochInfo epoch) throws StoreException {
        metadata.put(epochKey(epoch.epoch()), encode(epoch));
        epochs.add(epoch);
    }

    private byte[] encode(Object o) throws StoreException {
        try {
            return json.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new StoreException("encode " + o.getClass().getSimpleName(), e);
        }
    }

    private <T> T decode(byte[] v, Class<T> type) {
        try {
            return json.readValue(v, type);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt " + type.getSimpleName() + " in the metadata store", e);
        }
    }

    private static byte[] epochKey(long epoch) {
        return String.format("%s%020d", EPOCH_PREFIX, epoch).getBytes(StandardCharsets.UTF_8);
    }
}
