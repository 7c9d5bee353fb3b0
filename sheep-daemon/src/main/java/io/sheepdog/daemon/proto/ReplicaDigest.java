package io.sheepdog.daemon.proto;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectVersion;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a replica says about itself when checked ({@code PeerOps.check}): its version and a SHA-256 digest of its
 * content, so replicas are compared without their data crossing the network. The digest covers the block bitmap
 * ({@value PeerWire#ALLOCATION_BITMAP_BYTES} bytes, as {@link java.util.BitSet#toByteArray()} padded with zeroes) followed by the
 * allocated blocks in order: two replicas have the same digest exactly when they hold the same blocks with the same
 * bytes (an allocated block of zeroes and a hole differ).
 *
 * @param version the replica's version
 * @param digest  the {@value #DIGEST_BYTES}-byte SHA-256 of its content
 */
public record ReplicaDigest(ObjectVersion version, HashCode digest) {

    /** Length of a digest on the wire. */
    public static final int DIGEST_BYTES = 32;

    public ReplicaDigest {
        Objects.requireNonNull(version, "version");
        if (digest.bits() != DIGEST_BYTES * Byte.SIZE) {
            throw new IllegalArgumentException("digest of " + digest.bits() + " bits instead of " + DIGEST_BYTES * 8);
        }
    }

    /** The digest of {@code image} (whose blocks were verified against their checksums when it was exported). */
    public static ReplicaDigest of(ObjectImage image) {
        Hasher h = Hashing.sha256().newHasher();
        h.putBytes(Arrays.copyOf(image.allocation().toByteArray(), PeerWire.ALLOCATION_BITMAP_BYTES));
        h.putBytes(image.blocks().duplicate());
        return new ReplicaDigest(image.version(), h.hash());
    }

    /** Whether the two replicas hold the same content (versions aside). */
    public boolean sameContent(ReplicaDigest other) {
        return digest.equals(other.digest);
    }

    @Override
    public String toString() {
        return version + "/" + digest.toString().substring(0, 12);
    }
}
