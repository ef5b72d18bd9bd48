package io.imgpipe.contract;

/** Names of the AMQP message headers of the contract. Every message carries the first three. */
public final class MessageHeaders {

    public static final String IMAGE_ID = "image-id";
    public static final String TRACEPARENT = "traceparent";
    public static final String CREATED_AT = "created-at";

    public static final String OPTIONS = "options";
    public static final String FILENAME = "filename";
    public static final String FORMAT = "format";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String SOURCE_WIDTH = "source-width";
    public static final String SOURCE_HEIGHT = "source-height";
    public static final String STARTED_AT = "started-at";
    public static final String FINISHED_AT = "finished-at";
    public static final String REASON = "reason";
    public static final String MESSAGE = "message";
    public static final String ATTEMPT = "attempt";
    /** Who the image belongs to: the owner of the API key that uploaded it (absent with keys off). */
    public static final String OWNER = "owner";
    /** A job's variants, in order ({@link io.imgpipe.contract.variants.Variants#encode}); absent: the one "default". */
    public static final String VARIANTS = "variants";
    /** On an upload's job: the variant stored as the image's own result (served by GET /image/{id}). */
    public static final String PRIMARY_VARIANT = "primary-variant";
    /** On a result or a failure: which variant it is, its options, and whether it is the image's primary one. */
    public static final String VARIANT = "variant";
    public static final String VARIANT_OPTIONS = "variant-options";
    public static final String VARIANT_PRIMARY = "variant-primary";

    /**
     * A claim check (see {@link BlobRef}): with an object store, a message whose image is larger than the inline
     * threshold carries an empty body and these three headers instead of the bytes.
     */
    public static final String BLOB_KEY = "blob-key";
    public static final String BLOB_SHA256 = "blob-sha256";
    public static final String BLOB_SIZE = "blob-size";

    private MessageHeaders() {
    }
}
