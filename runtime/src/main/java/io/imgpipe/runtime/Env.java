package io.imgpipe.runtime;

import java.util.Locale;
import java.util.Map;

/**
 * Typed, validated reading of {@code IMGPIPE_*} settings. Every service's settings record
 * ({@code TransformerSettings.fromEnv}, ...) uses it, and only its {@code Main} passes {@code System.getenv()} in;
 * tests pass plain maps.
 */
public final class Env {

    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public String string(String name, String fallback) {
        String v = values.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    public boolean isSet(String name) {
        String v = values.get(name);
        return v != null && !v.isBlank();
    }

    public int integer(String name, int fallback, int min, int max) {
        long v = number(name, fallback, min, max);
        return (int) v;
    }

    public long number(String name, long fallback, long min, long max) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be an integer from " + min + " to " + max + ", got '" + raw + "'");
    }

    public boolean bool(String name, boolean fallback) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
        };
    }

    /** The settings every service shares. */
    public static final String AMQP_URI = "IMGPIPE_AMQP_URI";
    /** A broker cluster's nodes, {@code host:port,host:port}, in place of the host of {@link #AMQP_URI}. */
    public static final String AMQP_ADDRESSES = "IMGPIPE_AMQP_ADDRESSES";
    public static final String JDBC_URL = "IMGPIPE_JDBC_URL";
    public static final String DB_USER = "IMGPIPE_DB_USER";
    public static final String DB_PASSWORD = "IMGPIPE_DB_PASSWORD";
    public static final String QUEUE_TYPE = "IMGPIPE_QUEUE_TYPE";
    public static final String DELIVERY_LIMIT = "IMGPIPE_DELIVERY_LIMIT";
    public static final String ADMIN_PORT = "IMGPIPE_ADMIN_PORT";
    public static final String HEARTBEAT_SECONDS = "IMGPIPE_HEARTBEAT_SECONDS";

    public static final String DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/%2f";
    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://localhost:5432/imgpipe";
}
