package io.imgpipe.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec of the small messages on the {@code activity} exchange ({@link ActivityEvent},
 * {@link Heartbeat}): fields a newer sender adds are ignored, so services of two versions can run side by side.
 */
final class ActivityJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ActivityJson() {
    }

    static byte[] write(Object message) {
        try {
            return JSON.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws UncheckedIOException naming {@code what} when the body is not one */
    static <T> T read(byte[] json, Class<T> type, String what) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException("not " + what, e instanceof IOException io ? io : new IOException(e));
        }
    }
}
