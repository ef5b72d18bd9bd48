package io.imgpipe.gateway;

import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.ServiceRuntime;

/** Runs a gateway alone, configured by {@code IMGPIPE_*} environment variables (see the README). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Gateway gateway = Gateway.start(GatewaySettings.fromEnv(new Env(System.getenv())),
                ServiceRuntime.newRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "shutdown"));
    }
}
