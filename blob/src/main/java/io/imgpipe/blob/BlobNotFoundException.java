package io.imgpipe.blob;

/** The object store has no object under this key. */
public final class BlobNotFoundException extends BlobStoreException {

    public BlobNotFoundException(String key) {
        super("no object '" + key + "' in the store", null);
    }
}
