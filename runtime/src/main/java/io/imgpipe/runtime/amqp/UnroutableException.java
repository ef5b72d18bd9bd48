package io.imgpipe.runtime.amqp;

import java.io.IOException;

/** The broker confirmed a mandatory publish that no queue took, or refused it. */
public final class UnroutableException extends IOException {

    public UnroutableException(String message) {
        super(message);
    }
}
