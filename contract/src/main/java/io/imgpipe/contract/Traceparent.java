package io.imgpipe.contract;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** W3C Trace Context {@code traceparent} values: {@code 00-<32 hex trace id>-<16 hex span id>-01}. */
public final class Traceparent {

    private static final Pattern SHAPE = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Traceparent() {
    }

    /** Continues the caller's trace when its header is valid, otherwise starts a new one. */
    public static String continueOrStart(String incoming) {
        if (incoming != null && SHAPE.matcher(incoming).matches()) {
            return "00-" + traceId(incoming) + "-" + hex(8) + "-01";
        }
        return "00-" + hex(16) + "-" + hex(8) + "-01";
    }

    public static String traceId(String traceparent) {
        return traceparent != null && SHAPE.matcher(traceparent).matches() ? traceparent.substring(3, 35) : "";
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
