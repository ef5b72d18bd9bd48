import io.imgpipe.launcher.Pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * For {@code bench/store-probe.sh}: the one-JVM pipeline as {@code Main} starts it, without the browser, and with
 * {@code IMGPIPE_DATA_DIR=none} meaning no data directory (in-memory broker, throw-away database). Prints
 * {@code READY <port>} once it serves; stops on SIGTERM or after an hour.
 */
public final class RunPipeline {

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        if ("none".equals(env.get("IMGPIPE_DATA_DIR"))) {
            env.remove("IMGPIPE_DATA_DIR");
        }
        Pipeline pipeline = Pipeline.start(env);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        System.out.println("READY " + pipeline.port());
        Thread.sleep(3_600_000);
    }
}
