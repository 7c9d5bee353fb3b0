package io.sheepdog.store;

import io.sheepdog.store.file.FileObjectStore;
import io.sheepdog.store.rocksdb.RocksDatabase;
import io.sheepdog.store.rocksdb.RocksMetadataStore;
import io.sheepdog.store.rocksdb.RocksObjectIndex;
import java.io.Closeable;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent store of one sheep in its store directory: the {@link ObjectStore} of its objects and the
 * {@link MetadataStore} of its local metadata, sharing one RocksDB database.
 *
 * <pre>
 * &lt;dir&gt;/FORMAT     layout version ({@value #FORMAT_VERSION}); written last at creation, checked at open
 * &lt;dir&gt;/lock       locked while open, so that a second daemon cannot use the directory
 * &lt;dir&gt;/meta/      RocksDB: object records, block checksums, metadata
 * &lt;dir&gt;/obj/xx/    one data file per object
 * </pre>
 *
 * Usage: {@code try (LocalStore store = LocalStore.open(dir)) { store.objects().write(...); }}. Closing the store
 * flushes and closes everything; closing {@link #objects()} or {@link #metadata()} alone only stops that view.
 */
public final class LocalStore implements Closeable {
    /** The layout version of store directories written by this build. */
    public static final int FORMAT_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(LocalStore.class);

    private final Path dir;
    private final StoreDirectory directory;
    private final RocksDatabase db;
    private final FileObjectStore objects;
    private final RocksMetadataStore metadata;

    private LocalStore(Path dir, StoreDirectory directory, RocksDatabase db, FileObjectStore objects,
            RocksMetadataStore metadata) {
        this.dir = dir;
        this.directory = directory;
        this.db = db;
        this.objects = objects;
        this.metadata = metadata;
    }

    /** Opens (creating if needed) the store in {@code dir} with {@link LocalStoreConfig#defaults()}. */
    public static LocalStore open(Path dir) throws StoreException {
        return open(dir, LocalStoreConfig.defaults());
    }

    /**
     * Opens the store in {@code dir}, creating the directory (not its parent) and a new store if needed.
     *
     * @throws StoreSetupException if the directory cannot be used: its parent is missing, it is a file, it is
     *                             locked by another process, it is not empty and not a store, or it was laid out by
     *                             another format version
     */
    public static LocalStore open(Path dir, LocalStoreConfig config) throws StoreException {
        StoreDirectory directory = StoreDirectory.open(dir);
        RocksDatabase db = null;
        FileObjectStore objects = null;
        try {
            boolean create = directory.isNew();
            db = RocksDatabase.open(directory.resolve(StoreDirectory.META_DIR), create);
            objects = FileObjectStore.open(directory.resolve(StoreDirectory.OBJECT_DIR),
                    new RocksObjectIndex(db), create, config.maxOpenFiles(), config.reservedFreeBytes());
            if (create) {
                directory.commitFormat();
            }
            LocalStore store = new LocalStore(dir, directory, db, objects, new RocksMetadataStore(db));
            LOG.info("{} store {} (format {}, {}, {} objects)", create ? "created" : "opened", dir, FORMAT_VERSION,
                    config, objects.stats().objectCount());
            return store;
        } catch (StoreException | RuntimeException e) {
            closeAfterFailure(objects, e);
            closeAfterFailure(db, e);
            directory.close();
            throw e;
        }
    }

    private static void closeAfterFailure(AutoCloseable c, Exception failure) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    public ObjectStore objects() {
        return objects;
    }

    public MetadataStore metadata() {
        return metadata;
    }

    public Path directory() {
        return dir;
    }

    /** Flushes the objects, closes the database and releases the directory lock. */
    @Override
    public void close() throws StoreException {
        try {
            objects.close();
        } finally {
            try {
                metadata.close();
                db.close();
            } finally {
                directory.close();
            }
        }
    }
}
