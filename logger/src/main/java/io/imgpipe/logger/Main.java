package io.imgpipe.logger;

import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.ServiceRuntime;

/** Runs the activity logger alone, configured by {@code IMGPIPE_*} environment variables (see the README). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ActivityLogger service = ActivityLogger.start(LoggerSettings.fromEnv(new Env(System.getenv())),
                ServiceRuntime.newRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
    }
}
