package io.imgpipe.contract;

/**
 * A message that breaks the contract (no valid image id, say). Retrying cannot help: the consumer base class logs
 * it and drops it.
 */
public final class MalformedMessageException extends RuntimeException {

    public MalformedMessageException(String message) {
        super(message);
    }
}
