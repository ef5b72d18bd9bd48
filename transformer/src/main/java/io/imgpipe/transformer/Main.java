package io.imgpipe.transformer;

import io.imgpipe.runtime.Env;
import io.imgpipe.runtime.ServiceRuntime;

/** Runs a transformer alone, configured by {@code IMGPIPE_*} environment variables (see the README). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Transformer service = Transformer.start(TransformerSettings.fromEnv(new Env(System.getenv())),
                ServiceRuntime.newRegistry());
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
    }
}
