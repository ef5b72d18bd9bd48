package io.imgpipe.gateway;

import io.imgpipe.blob.BlobSettings;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.WatermarkSetting;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;

import io.imgpipe.gateway.auth.ApiKey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's settings (see the README's configuration table).
 *
 * @param infra          broker and database (read-only)
 * @param host           address to listen on ({@code IMGPIPE_HTTP_HOST}, default 0.0.0.0)
 * @param port           HTTP port ({@code IMGPIPE_HTTP_PORT}, default 8080; 0 = any free port)
 * @param maxUploadBytes largest upload accepted ({@code IMGPIPE_MAX_UPLOAD_BYTES}, default 25 MiB)
 * @param maxInflightUploadBytes bytes of uploads held at once, from body to broker confirm
 *                       ({@code IMGPIPE_MAX_INFLIGHT_UPLOAD_BYTES}, default 256 MiB); past it uploads get 503
 * @param maxWaitSeconds longest {@code Prefer: wait} / {@code ?wait} ({@code IMGPIPE_MAX_WAIT_SECONDS}, default 60)
 * @param queueLimit     job queue depth above which uploads get 503 ({@code IMGPIPE_QUEUE_LIMIT}, default 10000)
 * @param uploadTokens   SHA-256 hex digests of accepted upload tokens ({@code IMGPIPE_UPLOAD_TOKENS}); empty = open.
 *                       Superseded by {@code IMGPIPE_API_KEYS}: guards only uploads, and only with keys off
 * @param options        the options grammar with the configured presets ({@code IMGPIPE_PRESETS}) and watermark
 *                       names ({@code IMGPIPE_WATERMARKS})
 * @param workerThreads  blocking request threads ({@code IMGPIPE_HTTP_THREADS}, default 200)
 * @param dbPoolSize     read-only connections ({@code IMGPIPE_DB_POOL_SIZE}, default 8)
 * @param security       keys, signing secret and the limits that protect the perimeter
 * @param blobs          where image bytes are ({@code IMGPIPE_BLOB_STORE}, {@code IMGPIPE_S3_*}, claim-check threshold,
 *                       {@code IMGPIPE_BLOB_REDIRECT})
 * @param readJdbcUrl    a streaming replica of the database to read from ({@code IMGPIPE_READ_JDBC_URL}, same user
 *                       and password); null = read the primary
 * @param variantWaitSeconds how long {@code GET /image/{id}/variants/{name}} without {@code ?wait} waits for a variant
 *                       being made or derived ({@code IMGPIPE_VARIANT_WAIT_SECONDS}, default 5)
 */
public record GatewaySettings(Infrastructure infra, String host, int port, long maxUploadBytes,
                              long maxInflightUploadBytes, int maxWaitSeconds,
                              long queueLimit, Set<String> uploadTokens, OptionsParser options, int workerThreads,
                              int dbPoolSize, Security security, BlobSettings blobs, String readJdbcUrl,
                              int variantWaitSeconds) {

    /**
     * The perimeter's settings (docs/security.md says what each protects).
     *
     * @param keysOn             {@code IMGPIPE_AUTH=keys} (the default when {@code IMGPIPE_API_KEYS} is set): every
     *                           route but health and the page needs a key; {@code open} (the default otherwise): none does
     * @param apiKeys            {@code IMGPIPE_API_KEYS}: {@code owner:sha256hex[:operator]} pairs
     * @param keysRefreshSeconds how often the keys table is re-read ({@code IMGPIPE_API_KEYS_REFRESH_SECONDS}, default 5)
     * @param signingKey         {@code IMGPIPE_URL_SIGNING_KEY}: signs shared links and keys idempotent ids; null =
     *                           no signed links (and idempotent ids keyed by owner only)
     * @param streamsPerKey      concurrent {@code /events} streams per owner ({@code IMGPIPE_SSE_STREAMS_PER_KEY}, 4)
     * @param headerTimeoutMillis time to send the request headers ({@code IMGPIPE_HEADER_TIMEOUT_MS}, default 10000)
     * @param readTimeoutMillis  longest pause while sending a body ({@code IMGPIPE_READ_TIMEOUT_MS}, default 30000)
     * @param adminPort          a second port with health and metrics and no key ({@code IMGPIPE_GATEWAY_ADMIN_PORT},
     *                           default -1 = none), for a Prometheus that should not hold an operator key
     */
    public record Security(boolean keysOn, List<ApiKey> apiKeys, int keysRefreshSeconds, byte[] signingKey,
                           int streamsPerKey, int headerTimeoutMillis, int readTimeoutMillis, int adminPort) {

        public Security {
            apiKeys = List.copyOf(apiKeys);
            if (signingKey != null && signingKey.length < 16) {
                throw new IllegalArgumentException("IMGPIPE_URL_SIGNING_KEY must be at least 16 characters");
            }
        }

        static Security fromEnv(Env env, boolean uploadTokens) {
            List<ApiKey> keys = ApiKey.parseAll(env.string("IMGPIPE_API_KEYS", null));
            String auth = env.string("IMGPIPE_AUTH", keys.isEmpty() ? "open" : "keys");
            if (!auth.equals("open") && !auth.equals("keys")) {
                throw new IllegalArgumentException("IMGPIPE_AUTH must be open or keys, got '" + auth + "'");
            }
            if (auth.equals("keys") && uploadTokens) {
                throw new IllegalArgumentException("IMGPIPE_UPLOAD_TOKENS is superseded by IMGPIPE_API_KEYS: with keys "
                        + "on, give each token an owner in IMGPIPE_API_KEYS and unset IMGPIPE_UPLOAD_TOKENS");
            }
            String signing = env.string("IMGPIPE_URL_SIGNING_KEY", null);
            return new Security(auth.equals("keys"), keys,
                    env.integer("IMGPIPE_API_KEYS_REFRESH_SECONDS", 5, 1, 3600),
                    signing == null ? null : signing.getBytes(StandardCharsets.UTF_8),
                    env.integer("IMGPIPE_SSE_STREAMS_PER_KEY", 4, 1, 10_000),
                    env.integer("IMGPIPE_HEADER_TIMEOUT_MS", 10_000, 100, 600_000),
                    env.integer("IMGPIPE_READ_TIMEOUT_MS", 30_000, 100, 600_000),
                    env.integer("IMGPIPE_GATEWAY_ADMIN_PORT", -1, -1, 65535));
        }
    }

    /** A streaming replica the gateway reads from (docs/deployment.md). */
    public static final String READ_JDBC_URL = "IMGPIPE_READ_JDBC_URL";

    public static GatewaySettings fromEnv(Env env) {
        Set<String> tokens = Arrays.stream(env.string("IMGPIPE_UPLOAD_TOKENS", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new GatewaySettings(Infrastructure.fromEnv(env),
                env.string("IMGPIPE_HTTP_HOST", "0.0.0.0"),
                env.integer("IMGPIPE_HTTP_PORT", 8080, 0, 65535),
                env.number("IMGPIPE_MAX_UPLOAD_BYTES", 25L * 1024 * 1024, 1, 1L << 31),
                env.number("IMGPIPE_MAX_INFLIGHT_UPLOAD_BYTES", 256L * 1024 * 1024, 1, Long.MAX_VALUE),
                env.integer("IMGPIPE_MAX_WAIT_SECONDS", 60, 0, 3600),
                env.number("IMGPIPE_QUEUE_LIMIT", 10_000, 1, Long.MAX_VALUE),
                tokens,
                OptionsParser.withPresets(env.string("IMGPIPE_PRESETS", null)).withWatermarks(
                        WatermarkSetting.parse(env.string(WatermarkSetting.VARIABLE, null)).keySet()),
                env.integer("IMGPIPE_HTTP_THREADS", 200, 4, 10_000),
                env.integer("IMGPIPE_DB_POOL_SIZE", 8, 1, 200),
                Security.fromEnv(env, !tokens.isEmpty()),
                BlobSettings.fromEnv(env),
                env.string(READ_JDBC_URL, null),
                env.integer("IMGPIPE_VARIANT_WAIT_SECONDS", 5, 0, 3600));
    }
}
