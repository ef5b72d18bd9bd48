package io.imgpipe.save2db;

import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.ServiceRuntime;

/** Runs save2db alone, configured by {@code IMGPIPE_*} environment variables (see the README). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Save2db service = Save2db.start(Save2dbSettings.fromEnv(new Env(System.getenv())),
                ServiceRuntime.newRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
    }
}
