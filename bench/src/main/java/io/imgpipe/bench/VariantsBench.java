package io.imgpipe.bench;

import io.imgpipe.testsupport.Ssim;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.testsupport.ThrowawayDatabase;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 13's benchmark: three variants of each photo from one upload against the same three as three separate
 * uploads, same files, same pipeline, same run (alternating rounds, so drift hits both), end to end through HTTP
 * ({@code Prefer: wait} until every result is stored); then whether the results are the same as the single-variant
 * path (same bytes, or SSIM ≥ 0.999), and the latency of a first derivation of an existing image by
 * {@code GET /image/{id}/variants/{preset}} at light load (one request at a time). Prints the figures and writes
 * {@code bench/target/variants-bench-<infrastructure>.md}.
 *
 * <pre>java -cp ... io.imgpipe.bench.VariantsBench [--external] [--rounds N] CORPUS_DIR OUT_DIR</pre>
 */
public final class VariantsBench {

    static final List<String> PRESETS = List.of("thumbnail", "preview", "card");
    static final String DERIVED = "full";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{32})\"");
    private static final int IN_FLIGHT = 4;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private URI base;

    public static void main(String[] args) throws Exception {
        boolean external = Arrays.asList(args).contains("--external");
        int rounds = 3;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[++i]);
            } else if (!args[i].startsWith("--")) {
                positional.add(args[i]);
            }
        }
        Path corpus = Path.of(positional.isEmpty() ? "../shared/corpus" : positional.get(0));
        Path out = Path.of(positional.size() < 2 ? "bench/target" : positional.get(1));
        System.exit(new VariantsBench().run(external, rounds, corpus, out));
    }

    private int run(boolean external, int rounds, Path corpus, Path out) throws Exception {
        List<Image> images = Image.jpegsIn(corpus);
        Map<String, String> env = new HashMap<>(Map.of("IMGPIPE_HTTP_PORT", "0", "IMGPIPE_HTTP_HOST", "127.0.0.1",
                "IMGPIPE_OPEN_BROWSER", "false", "IMGPIPE_MAX_UPLOAD_BYTES", Long.toString(64L << 20)));
        ThrowawayDatabase database = null;
        if (external) {
            String jdbc = System.getenv().getOrDefault("IMGPIPE_BENCH_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/test");
            String user = System.getenv().getOrDefault("IMGPIPE_BENCH_DB_USER", "postgres");
            database = ThrowawayDatabase.create(jdbc, user, "", "imgpipe_bench_");
            env.put("IMGPIPE_AMQP_URI", System.getenv().getOrDefault("IMGPIPE_BENCH_AMQP_URI",
                    "amqp://guest:guest@127.0.0.1:5672/%2f"));
            env.put("IMGPIPE_JDBC_URL", database.jdbcUrl());
            env.put("IMGPIPE_DB_USER", user);
        }
        List<String> lines = new ArrayList<>();
        int status = 0;
        try (Pipeline pipeline = Pipeline.start(env)) {
            base = pipeline.baseUrl();
            lines.add("date: " + ZonedDateTime.now(ZoneOffset.UTC) + "; infrastructure: " + pipeline.infrastructure());
            lines.add(String.format(Locale.ROOT, "images: %d JPEGs from %s (%.1f MB); variants %s; %d uploads in "
                    + "flight; %d alternating rounds; load at start %s", images.size(), corpus,
                    images.stream().mapToLong(i -> i.bytes().length).sum() / 1e6, PRESETS, IN_FLIGHT, rounds,
                    Report.load()));
            separate(images.subList(0, Math.min(2, images.size())));  // warm-up of both paths
            oneUpload(images.subList(0, Math.min(2, images.size())));
            double separateSeconds = 0;
            double oneUploadSeconds = 0;
            List<String> oneUploadIds = List.of();
            List<List<String>> separateIds = List.of();
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                separateIds = separate(images);
                separateSeconds += (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                oneUploadIds = oneUpload(images);
                oneUploadSeconds += (System.nanoTime() - t1) / 1e9;
            }
            double ratio = separateSeconds / oneUploadSeconds;
            lines.add(String.format(Locale.ROOT, "three separate uploads: %.1f s for %d×%d images (%.2f images/s)",
                    separateSeconds, rounds, images.size(), rounds * images.size() / separateSeconds));
            lines.add(String.format(Locale.ROOT, "one upload, variants=%s: %.1f s (%.2f images/s)",
                    String.join(",", PRESETS), oneUploadSeconds, rounds * images.size() / oneUploadSeconds));
            lines.add(String.format(Locale.ROOT, "ratio (separate / one upload): %.2f× (target ≥ 2×)", ratio));
            lines.add(compare(separateIds, oneUploadIds));
            lines.add(derivationLatency(oneUploadIds));
            if (ratio < 2) {
                status = 1;
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
        lines.add("load at end " + Report.load());
        lines.forEach(l -> System.out.println("[variants-bench] " + l));
        Files.createDirectories(out);
        Path file = out.resolve("variants-bench-" + (external ? "external" : "embedded") + ".md");
        Files.write(file, lines.stream().map(l -> "- " + l).toList());
        System.out.println("[variants-bench] report written to " + file);
        return status;
    }

    /** Each image uploaded three times, one preset each; returns per image the three ids in {@link #PRESETS} order. */
    private List<List<String>> separate(List<Image> images) throws Exception {
        List<Callable3> jobs = new ArrayList<>();
        for (Image image : images) {
            for (String preset : PRESETS) {
                jobs.add(new Callable3(image, "preset=" + preset));
            }
        }
        List<String> ids = runAll(jobs);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(ids.subList(i * PRESETS.size(), (i + 1) * PRESETS.size()));
        }
        return out;
    }

    /** Each image uploaded once with the three presets as variants. */
    private List<String> oneUpload(List<Image> images) throws Exception {
        List<Callable3> jobs = new ArrayList<>();
        for (Image image : images) {
            jobs.add(new Callable3(image, "variants=" + String.join(",", PRESETS)));
        }
        return runAll(jobs);
    }

    private record Callable3(Image image, String query) {
    }

    private List<String> runAll(List<Callable3> jobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (Callable3 job : jobs) {
                ids.add(pool.submit(() -> upload(job.image().bytes(), job.query())));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> id : ids) {
                out.add(id.get(10, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Uploads and waits until every result is stored ({@code Prefer: wait}); the image's id. */
    private String upload(byte[] bytes, String query) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/image?" + query))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "image/jpeg").header("Prefer", "wait=60")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("upload ?" + query + " answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    /** Each variant of the one-upload path against the same preset's separate upload: same bytes, else SSIM. */
    private String compare(List<List<String>> separate, List<String> together) throws Exception {
        int same = 0;
        int similar = 0;
        double worst = 1;
        for (int i = 0; i < together.size(); i++) {
            for (int p = 0; p < PRESETS.size(); p++) {
                byte[] alone = get("/image/" + separate.get(i).get(p));
                byte[] variant = get("/image/" + together.get(i) + "/variants/" + PRESETS.get(p));
                if (Arrays.equals(alone, variant)) {
                    same++;
                    continue;
                }
                BufferedImage a = ImageIO.read(new ByteArrayInputStream(alone));
                BufferedImage b = ImageIO.read(new ByteArrayInputStream(variant));
                double ssim = a.getWidth() == b.getWidth() && a.getHeight() == b.getHeight()
                        ? Ssim.of(Ssim.luma(a), Ssim.luma(b), a.getWidth(), a.getHeight()) : 0;
                worst = Math.min(worst, ssim);
                if (ssim >= 0.999) {
                    similar++;
                }
            }
        }
        int total = together.size() * PRESETS.size();
        return String.format(Locale.ROOT, "results against the single-variant path: %d of %d byte-identical, %d more "
                + "with SSIM ≥ 0.999, %d below (lowest SSIM %.4f)", same, total, similar, total - same - similar, worst);
    }

    /** A preset none of the images has, asked once per image, one request at a time. */
    private String derivationLatency(List<String> ids) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (String id : ids) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base.resolve("/image/" + id + "/variants/"
                    + DERIVED + "?wait=60")).timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("derivation of " + id + " answered " + r.statusCode());
            }
            millis.add((System.nanoTime() - t0) / 1_000_000);
        }
        millis.sort(Long::compare);
        return String.format(Locale.ROOT, "first derivation of '%s' by GET /image/{id}/variants/%s, one at a time "
                + "(%d images): median %d ms, p90 %d ms, max %d ms", DERIVED, DERIVED, millis.size(),
                millis.get(millis.size() / 2), millis.get((int) Math.min(millis.size() - 1,
                        Math.ceil(millis.size() * 0.9) - 1)), millis.get(millis.size() - 1));
    }

    private byte[] get(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base.resolve(path + "?wait=60"))
                .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        return r.body();
    }
}
