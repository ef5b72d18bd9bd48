package io.imgpipe.gateway;

import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's settings (see the README's configuration table).
 *
 * @param infra          broker and database (read-only)
 * @param host           address to listen on ({@code IMGPIPE_HTTP_HOST}, default 0.0.0.0)
 * @param port           HTTP port ({@code IMGPIPE_HTTP_PORT}, default 8080; 0 = any free port)
 * @param maxUploadBytes largest upload accepted ({@code IMGPIPE_MAX_UPLOAD_BYTES}, default 25 MiB)
 * @param maxWaitSeconds longest {@code Prefer: wait} / {@code ?wait} ({@code IMGPIPE_MAX_WAIT_SECONDS}, default 60)
 * @param queueLimit     job queue depth above which uploads get 503 ({@code IMGPIPE_QUEUE_LIMIT}, default 10000)
 * @param uploadTokens   SHA-256 hex digests of accepted bearer tokens ({@code IMGPIPE_UPLOAD_TOKENS}); empty = open
 * @param options        the options grammar with the configured presets ({@code IMGPIPE_PRESETS})
 * @param workerThreads  blocking request threads ({@code IMGPIPE_HTTP_THREADS}, default 200)
 * @param dbPoolSize     read-only connections ({@code IMGPIPE_DB_POOL_SIZE}, default 8)
 */
public record GatewaySettings(Infrastructure infra, String host, int port, long maxUploadBytes, int maxWaitSeconds,
                              long queueLimit, Set<String> uploadTokens, OptionsParser options, int workerThreads,
                              int dbPoolSize) {

    public static GatewaySettings fromEnv(Env env) {
        Set<String> tokens = Arrays.stream(env.string("IMGPIPE_UPLOAD_TOKENS", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new GatewaySettings(Infrastructure.fromEnv(env),
                env.string("IMGPIPE_HTTP_HOST", "0.0.0.0"),
                env.integer("IMGPIPE_HTTP_PORT", 8080, 0, 65535),
                env.number("IMGPIPE_MAX_UPLOAD_BYTES", 25L * 1024 * 1024, 1, 1L << 31),
                env.integer("IMGPIPE_MAX_WAIT_SECONDS", 60, 0, 3600),
                env.number("IMGPIPE_QUEUE_LIMIT", 10_000, 1, Long.MAX_VALUE),
                tokens,
                OptionsParser.withPresets(env.string("IMGPIPE_PRESETS", null)),
                env.integer("IMGPIPE_HTTP_THREADS", 200, 4, 10_000),
                env.integer("IMGPIPE_DB_POOL_SIZE", 8, 1, 200));
    }
}
