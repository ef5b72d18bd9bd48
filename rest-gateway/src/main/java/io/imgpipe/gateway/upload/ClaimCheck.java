package io.imgpipe.gateway.upload;

import io.imgpipe.blob.BlobStore;
import io.imgpipe.blob.BlobStoreException;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.gateway.http.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim-check pattern on the upload path: with an object store, an upload larger than
 * {@code IMGPIPE_BLOB_INLINE_MAX_BYTES} is written to the store (durably: the put returns once the store has it)
 * before its message is published, and the message carries the reference instead of the bytes. The broker then
 * carries a few hundred bytes per image instead of the image, twice (to the transformers and to save2db).
 */
public final class ClaimCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimCheck.class);

    private final BlobStore store;
    private final long inlineMaxBytes;

    /** @param store null: every upload travels inline (bytes in PostgreSQL) */
    public ClaimCheck(BlobStore store, long inlineMaxBytes) {
        this.store = store;
        this.inlineMaxBytes = inlineMaxBytes;
    }

    public static ClaimCheck none() {
        return new ClaimCheck(null, Long.MAX_VALUE);
    }

    /**
     * The message to publish for these bytes: itself when small or without a store, else a claim check whose bytes
     * are in the store now.
     *
     * @throws ApiException 503 when the store cannot take the bytes (nothing was published: the client retries)
     */
    OutboundMessage apply(OutboundMessage message, byte[] bytes) {
        if (store == null || bytes.length <= inlineMaxBytes) {
            return message;
        }
        try {
            BlobRef ref = store.put(bytes);
            return ImageMessages.byReference(message, ref);
        } catch (BlobStoreException e) {
            LOG.warn("event=blob_put_failed error=\"{}\"", e.getMessage());
            throw new ApiException(503, "unavailable", "the upload could not be written to the object store; retry", 2);
        }
    }

    /** The image bytes of a received message: its body, or what its claim check names. */
    byte[] bytesOf(InboundMessage message) {
        var ref = message.blobRef();
        if (ref.isEmpty()) {
            return message.body();
        }
        if (store == null) {
            throw new ApiException(500, "misconfigured", "a result came as a claim check but this gateway has no "
                    + "object store (IMGPIPE_BLOB_STORE)");
        }
        try {
            return store.get(ref.get());
        } catch (BlobStoreException e) {
            throw new ApiException(503, "unavailable", "the object store cannot be reached; retry", 2);
        }
    }
}
