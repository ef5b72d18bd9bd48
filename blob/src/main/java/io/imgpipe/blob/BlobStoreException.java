package io.imgpipe.blob;

/** The object store could not be reached or refused the request. Retrying later may succeed. */
public class BlobStoreException extends RuntimeException {

    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
