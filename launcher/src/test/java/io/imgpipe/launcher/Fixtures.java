package io.imgpipe.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The test images of {@code src/test/resources}, read whole. */
public final class Fixtures {

    private Fixtures() {
    }

    /** @param resource a class-path path, e.g. {@code /images/autumn-400x250.jpg} */
    public static byte[] bytes(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
