package io.imgpipe.contract.options;

/** A transform option that is unknown, repeated or out of range. The message says what is allowed. */
public final class BadOptionException extends IllegalArgumentException {

    private final String parameter;

    public BadOptionException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
