package io.imgpipe.bench;

import io.imgpipe.testsupport.Ssim;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.ImageEngine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * AVIF encoding by the engine (libheif + libaom at the engine's speed) against avifenc (libavif + libaom, the
 * reference encoder) on the same files: photos of the corpus fitted into 800 × 800 and written as PNG, which both
 * read. Each contender sweeps its quality setting; every point reports images per second (one thread each,
 * {@code avifenc -j 1}, one process per file), bytes and mean SSIM of the decoded AVIF against the PNG. Rounds pass
 * over every point in turn and the fastest pass of each counts, so load from elsewhere on a shared machine does not
 * favour whichever contender ran while it was quiet. The summary
 * compares the engine with avifenc at the same SSIM: avifenc's bytes and speed are interpolated between the two
 * sweep points around the engine's SSIM. Run by {@code bench/avif-bench.sh}.
 *
 * <p>System properties: {@code bench.avifenc} (path of avifenc), {@code bench.images} (photos used, default 8),
 * {@code bench.rounds} (timed passes per point, the fastest counts; default 2).
 */
public final class AvifBench {

    private static final int[] ENGINE_QUALITIES = {40, 55, 70, 85};
    private static final int[] AVIFENC_QUANTIZERS = {6, 14, 22, 30, 38, 46};
    /** avifenc's default speed, and the engine's. */
    private static final int[] AVIFENC_SPEEDS = {6, 8};

    private final String avifenc = System.getProperty("bench.avifenc", "avifenc");
    private final int images = Integer.getInteger("bench.images", 8);
    private final int rounds = Integer.getInteger("bench.rounds", 2);
    private final ImageEngine engine = new ImageEngine(EngineLimits.forFiles());
    private final OptionsParser parser = OptionsParser.withPresets(null);
    private final TransformOptions toPng = OptionsParser.withPresets(null).parse("format=png");

    /** One sweep point: a contender at one setting. */
    record Point(String contender, String setting, double imagesPerSecond, long bytes, double ssim) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: AvifBench CORPUS_DIR");
            System.exit(2);
        }
        new AvifBench().run(Path.of(args[0]));
    }

    private void run(Path corpus) throws Exception {
        String heif = engine.heifVersion().orElseThrow(() -> new IllegalStateException(
                "libheif is not installed: apt-get install -y libheif1"));
        Path dir = Files.createTempDirectory("bench-avif");
        List<Path> sources = sources(corpus, dir);
        List<double[]> lumas = new ArrayList<>();
        long pixels = 0;
        for (Path p : sources) {
            BufferedImage img = ImageIO.read(p.toFile());
            lumas.add(Ssim.luma(img));
            pixels += (long) img.getWidth() * img.getHeight();
        }
        System.out.printf(Locale.ROOT, "%d photos of %s fitted into 800x800 (%.2f MP in all); engine: libheif %s,"
                        + " libaom speed 8, 4:2:0; %s; %s, 4:2:0, -j 1; java %s%n%n", sources.size(), corpus,
                pixels / 1e6, heif, "1 thread each", version(), System.getProperty("java.version"));

        List<byte[]> inputs = new ArrayList<>();
        for (Path p : sources) {
            inputs.add(Files.readAllBytes(p));
        }
        List<Sweep> engineSweeps = new ArrayList<>();
        for (int q : ENGINE_QUALITIES) {
            TransformOptions options = parser.parse("format=avif&quality=" + q);
            engineSweeps.add(new Sweep("imgpipe engine (libheif, speed 8)", "quality=" + q, () -> {
                List<byte[]> out = new ArrayList<>();
                for (byte[] in : inputs) {
                    out.add(engine.transform(in, options).bytes());
                }
                return out;
            }));
        }
        List<List<Sweep>> referenceSweeps = new ArrayList<>();
        for (int speed : AVIFENC_SPEEDS) {
            List<Sweep> curve = new ArrayList<>();
            for (int quantizer : AVIFENC_QUANTIZERS) {
                curve.add(new Sweep("avifenc (libavif, speed " + speed + ")", "--min/--max " + quantizer,
                        () -> avifenc(speed, quantizer, sources, dir)));
            }
            referenceSweeps.add(curve);
        }
        List<Sweep> all = new ArrayList<>(engineSweeps);
        referenceSweeps.forEach(all::addAll);
        for (Sweep sweep : engineSweeps) {
            sweep.encode(); // warms the JIT up; not counted
        }
        for (int round = 0; round < rounds; round++) {
            for (Sweep sweep : all) {
                sweep.time();
            }
        }
        List<Point> enginePoints = new ArrayList<>();
        for (Sweep sweep : engineSweeps) {
            enginePoints.add(point(sweep, lumas));
        }
        List<List<Point>> references = new ArrayList<>();
        for (List<Sweep> curve : referenceSweeps) {
            List<Point> points = new ArrayList<>();
            for (Sweep sweep : curve) {
                points.add(point(sweep, lumas));
            }
            references.add(points);
        }

        System.out.println("### Every sweep point");
        System.out.println();
        System.out.println("| contender | setting | images/s | bytes (all photos) | mean SSIM |");
        System.out.println("| --- | --- | ---: | ---: | ---: |");
        Stream.concat(enginePoints.stream(), references.stream().flatMap(List::stream)).forEach(p ->
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %d | %.4f |%n", p.contender, p.setting,
                        p.imagesPerSecond, p.bytes, p.ssim));
        System.out.println();
        System.out.println("### The engine against avifenc at the same SSIM");
        System.out.println();
        System.out.println("| engine | SSIM | reference | engine images/s | reference images/s | speed ratio"
                + " (engine ÷ reference) | engine bytes | reference bytes | size ratio (engine ÷ reference) |");
        System.out.println("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Point e : enginePoints) {
            for (List<Point> curve : references) {
                Point r = atSsim(curve, e.ssim);
                if (r == null) {
                    System.out.printf(Locale.ROOT, "| %s | %.4f | %s | %.2f | - | - | %d | - | - (SSIM outside"
                            + " its sweep) |%n", e.setting, e.ssim, curve.get(0).contender, e.imagesPerSecond, e.bytes);
                    continue;
                }
                System.out.printf(Locale.ROOT, "| %s | %.4f | %s | %.2f | %.2f | %.2f× | %d | %d | %.2f |%n",
                        e.setting, e.ssim, r.contender, e.imagesPerSecond, r.imagesPerSecond,
                        e.imagesPerSecond / r.imagesPerSecond, e.bytes, r.bytes, (double) e.bytes / r.bytes);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** The first {@code images} corpus JPEGs larger than 800 px, fitted into 800 x 800 and written as PNG. */
    private List<Path> sources(Path corpus, Path dir) throws Exception {
        TransformOptions fit = parser.parse("width=800&height=800&fit=inside&format=png");
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path f : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (out.size() >= images || ImageFormat.sniff(bytes).orElse(null) != ImageFormat.JPEG) {
                    continue;
                }
                BufferedImage probe = ImageIO.read(new ByteArrayInputStream(bytes));
                if (probe == null || Math.max(probe.getWidth(), probe.getHeight()) <= 800) {
                    continue;
                }
                Path png = dir.resolve("photo-" + out.size() + ".png");
                Files.write(png, engine.transform(bytes, fit).bytes());
                out.add(png);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no JPEG larger than 800 px in " + corpus);
        }
        return out;
    }

    /** One contender at one setting: encodes every photo, and keeps its fastest pass and its last outputs. */
    private static final class Sweep {
        private final String contender;
        private final String setting;
        private final Encoding encoding;
        private double bestSeconds = Double.MAX_VALUE;
        private List<byte[]> outputs;

        Sweep(String contender, String setting, Encoding encoding) {
            this.contender = contender;
            this.setting = setting;
            this.encoding = encoding;
        }

        void encode() throws Exception {
            outputs = encoding.encodeAll();
        }

        void time() throws Exception {
            long start = System.nanoTime();
            encode();
            bestSeconds = Math.min(bestSeconds, (System.nanoTime() - start) / 1e9);
        }
    }

    interface Encoding {
        List<byte[]> encodeAll() throws Exception;
    }

    private List<byte[]> avifenc(int speed, int quantizer, List<Path> sources, Path dir) throws Exception {
        List<byte[]> outputs = new ArrayList<>();
        for (Path p : sources) {
            Path out = dir.resolve("out.avif");
            Process process = new ProcessBuilder(avifenc, "-j", "1", "-s", Integer.toString(speed), "-y", "420",
                    "--min", Integer.toString(quantizer), "--max", Integer.toString(quantizer), p.toString(),
                    out.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("avifenc failed on " + p);
            }
            outputs.add(Files.readAllBytes(out));
        }
        return outputs;
    }

    private Point point(Sweep sweep, List<double[]> lumas) throws Exception {
        long bytes = 0;
        double ssim = 0;
        for (int i = 0; i < sweep.outputs.size(); i++) {
            byte[] avif = sweep.outputs.get(i);
            bytes += avif.length;
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(engine.transform(avif, toPng).bytes()));
            ssim += Ssim.of(Ssim.luma(decoded), lumas.get(i), decoded.getWidth(), decoded.getHeight());
        }
        return new Point(sweep.contender, sweep.setting, sweep.outputs.size() / sweep.bestSeconds, bytes,
                ssim / sweep.outputs.size());
    }

    /** The curve's speed and bytes at {@code ssim}, linearly between the two points around it, or null. */
    private static Point atSsim(List<Point> curve, double ssim) {
        List<Point> sorted = curve.stream().sorted(Comparator.comparingDouble(Point::ssim)).toList();
        for (int i = 0; i + 1 < sorted.size(); i++) {
            Point lo = sorted.get(i);
            Point hi = sorted.get(i + 1);
            if (ssim >= lo.ssim && ssim <= hi.ssim && hi.ssim > lo.ssim) {
                double t = (ssim - lo.ssim) / (hi.ssim - lo.ssim);
                return new Point(lo.contender, "interpolated", lo.imagesPerSecond + t * (hi.imagesPerSecond
                        - lo.imagesPerSecond), Math.round(lo.bytes + t * (hi.bytes - lo.bytes)), ssim);
            }
        }
        return null;
    }

    private String version() {
        try {
            Process p = new ProcessBuilder(avifenc, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("").trim();
            p.waitFor();
            return "avifenc " + v;
        } catch (IOException e) {
            throw new IllegalStateException("avifenc not found: apt-get install -y libavif-bin", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "avifenc (version unknown)";
        }
    }
}
