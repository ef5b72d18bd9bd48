package io.imgpipe.blob;

import io.imgpipe.contract.BlobRef;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where image bytes live. Objects are content-addressed ({@link BlobRef}): a put of bytes already stored writes the
 * same object again, so a redelivered store is harmless. Every method fails with {@link BlobStoreException} when the
 * store cannot be reached, so that a caller can answer 503 or leave a message unacknowledged.
 */
public interface BlobStore extends AutoCloseable {

    /** Stores these bytes durably (returns once the store acknowledged them) and returns their reference. */
    BlobRef put(byte[] bytes);

    /** All the bytes of an object. */
    byte[] get(BlobRef ref);

    /**
     * A stream of {@code length} bytes from {@code offset}; the caller closes it.
     *
     * @throws BlobNotFoundException when no such object is stored
     */
    InputStream open(BlobRef ref, long offset, long length) throws IOException;

    /** When the object was last written (a put of the same bytes renews it); empty when there is none. */
    Optional<Instant> lastModified(String key);

    /** Removes the object; removing an absent one is not an error. */
    void delete(String key);

    /** Up to {@code limit} objects whose key sorts after {@code after} ("" for the first page), in key order. */
    List<StoredBlob> list(String after, int limit);

    /** A URL anyone may GET the object from until {@code ttl} runs out, if this store can give one. */
    Optional<URI> presignedGet(BlobRef ref, String contentType, Duration ttl);

    /** One listed object. */
    record StoredBlob(String key, long size, Instant lastModified) {
    }

    @Override
    void close();
}
