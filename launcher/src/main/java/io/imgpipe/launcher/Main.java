package io.imgpipe.launcher;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar launcher/target/imgpipe.jar}: the whole pipeline in one JVM on embedded infrastructure, the
 * upload page on http://localhost:8080 (opened in the browser when there is a desktop).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("IMGPIPE_DATA_DIR", "data/postgres");
        Pipeline pipeline = Pipeline.start(env);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "shutdown"));
        URI page = URI.create("http://localhost:" + pipeline.port() + "/");
        System.out.println();
        System.out.println("imgpipe is running on " + pipeline.infrastructure());
        System.out.println("Upload page: " + page + "   (Ctrl+C to stop)");
        System.out.println();
        openBrowser(page, env);
    }

    private static void openBrowser(URI page, Map<String, String> env) {
        if ("false".equalsIgnoreCase(env.getOrDefault("IMGPIPE_OPEN_BROWSER", "true")) || GraphicsEnvironment.isHeadless()) {
            return;
        }
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(page);
            }
        } catch (Exception | LinkageError e) {
            // no browser: the URL is printed above
        }
    }
}
