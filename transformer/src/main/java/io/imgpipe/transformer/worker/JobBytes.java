package io.imgpipe.transformer.worker;

import io.imgpipe.blob.BlobStore;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.OutboundMessage;

/**
 * The transformer's side of the claim check: a job may name its original in the object store instead of carrying
 * it, and a result larger than {@code IMGPIPE_BLOB_INLINE_MAX_BYTES} is written to the store before the message
 * naming it is published. Failures surface as {@link io.imgpipe.blob.BlobStoreException}.
 */
public final class JobBytes {

    private final BlobStore store;
    private final long inlineMaxBytes;

    /** @param store null: no object store, every image travels inline */
    public JobBytes(BlobStore store, long inlineMaxBytes) {
        this.store = store;
        this.inlineMaxBytes = inlineMaxBytes;
    }

    public static JobBytes inline() {
        return new JobBytes(null, Long.MAX_VALUE);
    }

    /** The original to transform: the body, or the object the claim check names. */
    byte[] original(InboundMessage job) {
        var ref = job.blobRef();
        if (ref.isEmpty()) {
            return job.body();
        }
        if (store == null) {
            throw new IllegalStateException("image " + job.imageId() + " came as a claim check but this transformer "
                    + "has no object store: set IMGPIPE_BLOB_STORE=s3 and the IMGPIPE_S3_* settings as on the gateway");
        }
        return store.get(ref.get());
    }

    /** The result message to publish: itself, or a claim check once its bytes are in the store. */
    OutboundMessage result(OutboundMessage transformed) {
        if (store == null || transformed.body().length <= inlineMaxBytes) {
            return transformed;
        }
        return ImageMessages.byReference(transformed, store.put(transformed.body()));
    }
}
