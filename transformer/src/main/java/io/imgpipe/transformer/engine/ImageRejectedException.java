package io.imgpipe.transformer.engine;

/**
 * An input the engine will not transform, with a stable reason code for machines and a sentence for people.
 * This is an outcome ({@code failed}), never retried.
 *
 * <p>Reason codes: {@code unsupported_format}, {@code image_too_large}, {@code too_many_frames},
 * {@code corrupt_image}, {@code decode_timeout}, {@code timeout}, {@code result_too_large},
 * {@code unsupported_output}, {@code bad_option}.
 */
public final class ImageRejectedException extends Exception {

    private final String reason;

    public ImageRejectedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejectedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
