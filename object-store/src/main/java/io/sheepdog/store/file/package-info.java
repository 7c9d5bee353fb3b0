/**
 * The data engine: one file per object, positional I/O in whole 4 KiB blocks, and an {@link
 * io.sheepdog.store.file.ObjectIndex} (RocksDB in production) holding each object's version and, for every
 * allocated block, its CRC32C. The team measured RocksDB values at 27-44 partial 4 KiB updates per second of a
 * 4 MiB value and a file per object at about 2000 durable ones, hence data in files and only metadata in RocksDB.
 *
 * <h2>Allocation and sparseness</h2>
 * A block is allocated if and only if it has an index entry. Unallocated blocks read as zeroes without touching
 * the file, so discarding a block only deletes its entry (Java cannot punch holes) and discarding the last one
 * removes the object's file but keeps its record (an object exists from its first write to its deletion, so a
 * replica that lost an object can be told from one whose blocks were all discarded). Writes always write whole blocks; a partly covered block is read, checked,
 * merged and rewritten, so every entry covers exactly the bytes in the file.
 *
 * <h2>Writes without a journal</h2>
 * A write first applies one atomic index batch (new version, new checksums; write-ahead log on, not synced), then
 * writes the file. Each {@link io.sheepdog.store.file.BlockEntry} keeps, besides the new checksum, the checksum
 * before the write ({@code previous}: a crash between the two steps leaves that content) and the one at the
 * object's last fsync ({@code stable}: a power loss may lose every write since), "unallocated" standing for
 * content that reads as zeroes. The fall-backs only serve to settle an object whose index may be ahead of its
 * file, and only for blocks written in the object's current generation, i.e. since its data file was last
 * fsynced. Reads of a running store are strict: a block that does not match its checksum is reported as
 * {@link io.sheepdog.store.ChecksumException} naming the object, never returned as data.
 *
 * <ul>
 *   <li>A failed file write (disk full, I/O error) reads each block back and restores its old entry unless the
 *       new data landed ({@code WriteOperation}). If even that fails, the object is "unsettled": reads accept
 *       the fall-backs and the next flush settles it first.</li>
 *   <li>At open, every object marked dirty in the index is settled against its file ({@code StartupRecovery},
 *       {@code ObjectSync}): each block of the current generation gets the accepted checksum its data matches
 *       (or is dropped if a fall-back is "unallocated"), then the object is fsynced. Files whose record is gone
 *       (a crash during delete) are removed.</li>
 *   <li>{@link io.sheepdog.store.file.FileObjectStore#flush()} syncs the write-ahead log first, then fsyncs each
 *       dirty data file (and the directory of a new one) and advances its generation, under the object's lock.
 *       Checksums are durable before data: the reverse order could leave data on disk that no entry describes.
 *       A write with {@code sync} does the same for its object.</li>
 * </ul>
 *
 * <h2>A full disk</h2>
 * Allocating writes are refused with {@link io.sheepdog.store.NoSpaceException} before anything changes when the
 * free space would drop below a reserve ({@link io.sheepdog.store.LocalStoreConfig#reservedFreeBytes()}), because
 * RocksDB shares the disk and stops accepting writes for good (until reopened) once an append to its write-ahead
 * log fails. If the file system fills up anyway, a failing data write truncates what it appended before rolling
 * back, which frees room for the roll-back's index batch; should RocksDB fail all the same, reads keep working,
 * writes fail with {@code NoSpaceException} saying to free space and reopen, and the reopen settles everything.
 *
 * <p>Limit: after a power loss (not a process crash), a block written more than twice since its object's last
 * fsync, or whose data reached the disk before its index entry did, may be reported as damaged rather than read
 * as old or new data. It is never returned wrong; the cluster repairs such a replica from another.
 */
package io.sheepdog.store.file;
