package io.imgpipe.gateway.http;

/** An answer other than success: its HTTP status, a stable error code and a sentence for people. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final int retryAfterSeconds;

    public ApiException(int status, String error, String message) {
        this(status, error, message, 0);
    }

    public ApiException(int status, String error, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
