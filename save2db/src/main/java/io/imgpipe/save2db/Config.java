package io.imgpipe.save2db;

import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.Infrastructure;

/**
 * save2db's settings.
 *
 * @param infra     broker and database
 * @param threads   messages stored in parallel ({@code IMGPIPE_SAVE2DB_THREADS}, default 4)
 * @param adminPort health and metrics port ({@code IMGPIPE_ADMIN_PORT}, default 9090; -1 = none)
 */
public record Config(Infrastructure infra, int threads, int adminPort) {

    public static Config fromEnv(Env env) {
        return new Config(Infrastructure.fromEnv(env),
                env.integer("IMGPIPE_SAVE2DB_THREADS", 4, 1, 64),
                env.integer(Env.ADMIN_PORT, 9090, -1, 65535));
    }
}
