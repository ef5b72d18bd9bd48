package io.imgpipe.gateway.read;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of an HTTP {@code Range: bytes=...} header (RFC 9110 14.1.2), resolved against the entity's size.
 * Several ranges are not supported: the whole entity is sent (which the RFC allows).
 */
record ByteRange(long offset, long length) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /** Thrown when the range lies outside the entity: 416. */
    static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    /** @return empty to send the whole entity (no header, several ranges, or a form this parser ignores) */
    static Optional<ByteRange> parse(String header, long size) throws Unsatisfiable {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        if (m.group(1).isEmpty()) { // the last N bytes
            long n = Long.parseLong(m.group(2));
            if (n == 0 || size == 0) {
                throw new Unsatisfiable();
            }
            long length = Math.min(n, size);
            return Optional.of(new ByteRange(size - length, length));
        }
        long first = Long.parseLong(m.group(1));
        if (first >= size) {
            throw new Unsatisfiable();
        }
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        if (last < first) {
            return Optional.empty(); // syntactically invalid: ignore the header
        }
        return Optional.of(new ByteRange(first, last - first + 1));
    }

    String contentRange(long size) {
        return "bytes " + offset + "-" + (offset + length - 1) + "/" + size;
    }
}
