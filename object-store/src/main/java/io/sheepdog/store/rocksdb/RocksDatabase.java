package io.sheepdog.store.rocksdb;

import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreSetupException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB database of a store ({@code <store>/meta}) and every native handle that goes with it. One column
 * family per kind of record: {@code objects} (object records), {@code blocks} (per-block checksums), {@code dirty}
 * (objects with writes not yet fsynced) and {@code metadata} (the {@link io.sheepdog.store.MetadataStore}).
 *
 * <p>Every call goes through {@link #call}, which names the operation in any error and holds a gate that
 * {@link #close()} waits for: RocksDB must not be closed under a running call (that would be a use after free in
 * native code). The write-ahead log is on and recovered to the last consistent point after a crash, so that the
 * database always holds a prefix of the batches written.
 */
public final class RocksDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDatabase.class);
    /** The write-ahead log may grow this large before column families are flushed to let it be trimmed. */
    private static final long MAX_TOTAL_WAL_BYTES = 128L << 20;

    static {
        RocksDB.loadLibrary();
    }

    /** A call on the open database. */
    @FunctionalInterface
    public interface RocksCall<T> {
        T run(RocksDB db) throws RocksDBException, StoreException;
    }

    private final Path path;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final List<ColumnFamilyHandle> handles;
    private final RocksDB db;
    private final WriteOptions asyncWrites = new WriteOptions().setSync(false);
    private final WriteOptions syncWrites = new WriteOptions().setSync(true);
    private final ReadOptions reads = new ReadOptions();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private boolean closed;
    /** The first error that ran into a full disk: RocksDB refuses writes after it until reopened. */
    private volatile StoreException noSpace;

    private RocksDatabase(Path path, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
            List<ColumnFamilyHandle> handles, RocksDB db) {
        this.path = path;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles = handles;
        this.db = db;
    }

    /** The column families, in the order of their handles. */
    enum Family {
        DEFAULT("default"), OBJECTS("objects"), BLOCKS("blocks"), DIRTY("dirty"), METADATA("metadata");

        private final byte[] name;

        Family(String name) {
            this.name = name.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Opens the database at {@code path}.
     *
     * @param create create it if missing (a new store); otherwise a missing database is an error, so that a store
     *               whose metadata was lost is never silently taken for an empty one
     */
    public static RocksDatabase open(Path path, boolean create) throws StoreException {
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(create)
                .setCreateMissingColumnFamilies(true)
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(4);
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (Family f : Family.values()) {
            descriptors.add(new ColumnFamilyDescriptor(f.name, cfOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, path.toString(), descriptors, handles);
            LOG.debug("opened metadata database {}", path);
            return new RocksDatabase(path, dbOptions, cfOptions, handles, db);
        } catch (RocksDBException e) {
            handles.forEach(ColumnFamilyHandle::close);
            cfOptions.close();
            dbOptions.close();
            throw new StoreSetupException("cannot open the metadata database " + path
                    + (create ? "" : " (a store directory whose meta/ is missing or damaged)") + ": " + e.getMessage(),
                    e);
        }
    }

    /** Runs {@code call} on the open database; a {@link RocksDBException} is rethrown naming {@code operation}. */
    public <T> T call(String operation, RocksCall<T> call) throws StoreException {
        Lock lock = gate.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new StoreException(operation + ": metadata database " + path + " is closed");
            }
            return call.run(db);
        } catch (RocksDBException e) {
            StoreException wrapped = wrap(operation, e);
            if (wrapped instanceof NoSpaceException && noSpace == null) {
                noSpace = wrapped;
            } else if (noSpace != null) {
                // RocksDB's write-ahead log stays broken after a failed append ("Writer has previous error").
                throw new NoSpaceException("metadata database: " + operation + " failed: " + e.getMessage()
                        + "; it stopped accepting writes when the disk filled up (" + noSpace.getMessage()
                        + "); free space, then close and reopen the store", e);
            }
            throw wrapped;
        } finally {
            lock.unlock();
        }
    }

    ColumnFamilyHandle family(Family f) {
        return handles.get(f.ordinal());
    }

    WriteOptions asyncWrites() {
        return asyncWrites;
    }

    WriteOptions syncWrites() {
        return syncWrites;
    }

    ReadOptions reads() {
        return reads;
    }

    /** Waits for running calls, then closes the database and every native handle. Idempotent. */
    @Override
    public void close() throws StoreException {
        Lock lock = gate.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            handles.forEach(ColumnFamilyHandle::close);
            try {
                db.closeE();
            } catch (RocksDBException e) {
                throw wrap("close", e);
            } finally {
                asyncWrites.close();
                syncWrites.close();
                reads.close();
                cfOptions.close();
                dbOptions.close();
            }
        } finally {
            lock.unlock();
        }
    }

    static StoreException wrap(String operation, RocksDBException e) {
        Status status = e.getStatus();
        String message = "metadata database: " + operation + " failed: " + e.getMessage();
        boolean noSpace = (status != null && status.getSubCode() == Status.SubCode.NoSpace)
                || String.valueOf(e.getMessage()).contains("No space left on device");
        return noSpace ? new NoSpaceException(message, e) : new StoreException(message, e);
    }
}
