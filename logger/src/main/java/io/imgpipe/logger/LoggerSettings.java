package io.imgpipe.logger;

import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;

/**
 * The logger's settings.
 *
 * @param infra     broker and database
 * @param threads   events stored in parallel ({@code IMGPIPE_LOGGER_THREADS}, default 2)
 * @param adminPort health and metrics port ({@code IMGPIPE_ADMIN_PORT}, default 9090; -1 = none)
 */
public record LoggerSettings(Infrastructure infra, int threads, int adminPort) {

    public static LoggerSettings fromEnv(Env env) {
        return new LoggerSettings(Infrastructure.fromEnv(env),
                env.integer("IMGPIPE_LOGGER_THREADS", 2, 1, 64),
                env.integer(Env.ADMIN_PORT, 9090, -1, 65535));
    }
}
