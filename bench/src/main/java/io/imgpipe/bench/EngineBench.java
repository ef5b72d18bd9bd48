package io.imgpipe.bench;

import io.imgpipe.testsupport.Ssim;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.ops.Orient;
import io.imgpipe.transformer.engine.ops.Pixels;
import net.coobird.thumbnailator.Thumbnails;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Side-by-side throughput and quality of the engine, Thumbnailator and vipsthumbnail on a folder of photos; run by
 * {@code bench/engine-bench.sh}. Each contender gets the same files and the same number of threads (vipsthumbnail:
 * as many single-threaded processes); rounds alternate between contenders and the best round counts, which keeps
 * other load on a shared machine from favouring whoever ran while it was quiet. Quality is the SSIM of each
 * thumbnail's luma against a Lanczos-3 reference of the same size made from the full decode.
 *
 * <p>Small JPEGs (at most 0.1 MP, so fit 800 does not resize: decode, re-encode at q85, where fixed costs per
 * image dominate) are compared with libvips called in-process ({@code src/main/c/vipsbench.c}, workload
 * {@code thumb800down}) on the same files and threads. They are made at run time from the corpus's JPEGs (shrunk to
 * fit 400 × 250, q90, into a temporary directory; JPEGs already that small are taken as they are).
 *
 * <p>System properties: {@code bench.threads} (default: all cores), {@code bench.rounds} (3),
 * {@code bench.seconds} (minimum seconds per measurement, 4), {@code bench.vips} (path of vipsthumbnail),
 * {@code bench.vipsbench} (path of the built vipsbench harness), {@code bench.only} ({@code small}: only the small
 * JPEG comparison).
 */
public final class EngineBench {

    private static final String THUMBNAIL = "width=800&height=800&fit=inside&format=jpeg&quality=85";
    private static final String GRAY = "width=1600&height=1600&fit=inside&grayscale=true&format=jpeg&quality=85";
    private static final String PNG = "format=png";
    private static final long SMALL_PIXELS = 100_000;
    /** vipsbench runs its file list once per thread per round: repeated, a round of small files lasts seconds. */
    private static final int SMALL_REPEATS = 40;

    private final int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
    private final int rounds = Integer.getInteger("bench.rounds", 3);
    private final double minSeconds = Double.parseDouble(System.getProperty("bench.seconds", "4"));
    private final String vips = System.getProperty("bench.vips", "");
    private final String vipsbench = System.getProperty("bench.vipsbench", "");
    private final boolean onlySmall = "small".equals(System.getProperty("bench.only", ""));
    private final ImageEngine engine = new ImageEngine(EngineLimits.forFiles());
    private final ImageEngine imageIoEngine = new ImageEngine(EngineLimits.forFiles(), false);
    private final OptionsParser parser = OptionsParser.withPresets(null);
    private final Map<String, BufferedImage> fullDecodes = new HashMap<>();

    record Photo(Path path, byte[] bytes, int width, int height, boolean progressive, int orientation) {
        String name() {
            return path.getFileName().toString();
        }
    }

    /** One contender: encoded input in, encoded thumbnail out. */
    interface Thumbnailer {
        byte[] apply(byte[] input) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: EngineBench CORPUS_DIR");
            System.exit(2);
        }
        new EngineBench().run(Path.of(args[0]));
    }

    private void run(Path corpus) throws Exception {
        List<Photo> all = load(corpus, ImageFormat.JPEG);
        List<Photo> jpegs = all.stream().filter(p -> Math.max(p.width, p.height) > 800).toList();
        List<Photo> pngs = load(corpus, ImageFormat.PNG);
        List<Photo> baseline = jpegs.stream().filter(p -> !p.progressive).toList();
        List<Photo> progressive = jpegs.stream().filter(Photo::progressive).toList();
        System.out.printf(Locale.ROOT, "corpus %s: %d baseline and %d progressive JPEGs larger than 800 px, %d PNGs;"
                        + " %d threads, %d rounds, java %s, %s, %s%n%n", corpus, baseline.size(), progressive.size(),
                pngs.size(), threads, rounds, System.getProperty("java.version"),
                engine.decodesJpegNatively() ? "libjpeg-turbo found" : "no libjpeg-turbo (ImageIO decoding)",
                vips.isEmpty() ? "no vipsthumbnail" : vipsVersion());

        smallJpegs(all);
        if (onlySmall) {
            return;
        }

        System.out.println("### Fit inside 800x800, JPEG q85");
        System.out.println();
        System.out.println("| JPEGs | contender | images/s | engine ÷ contender | mean SSIM vs Lanczos3 | min SSIM |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
        thumbnails("baseline", baseline);
        thumbnails("progressive", progressive);
        System.out.println();

        System.out.println("### Fit inside 1600x1600, grayscale, JPEG q85 (all JPEGs above)");
        System.out.println();
        System.out.println("| contender | images/s | engine ÷ contender |");
        System.out.println("| --- | ---: | ---: |");
        Map<String, Thumbnailer> gray = new LinkedHashMap<>();
        gray.put("imgpipe engine", options(GRAY));
        gray.put("Thumbnailator + gray filter", in -> thumbnailator(in, 1600, true));
        printRates(measure(jpegs, gray, Map.of()));
        System.out.println();

        System.out.println("### Full-size PNG re-encode");
        System.out.println();
        System.out.println("| contender | images/s | engine ÷ contender |");
        System.out.println("| --- | ---: | ---: |");
        Map<String, Thumbnailer> png = new LinkedHashMap<>();
        png.put("imgpipe engine", options(PNG));
        png.put("ImageIO read + write", EngineBench::imageIoPng);
        printRates(measure(pngs, png, Map.of()));
    }

    private void thumbnails(String label, List<Photo> photos) throws Exception {
        if (photos.isEmpty()) {
            return;
        }
        Map<String, Thumbnailer> inProcess = new LinkedHashMap<>();
        inProcess.put("imgpipe engine", options(THUMBNAIL));
        if (engine.decodesJpegNatively()) {
            TransformOptions o = parser.parse(THUMBNAIL);
            inProcess.put("imgpipe engine, ImageIO decoding (no libjpeg-turbo)", in -> imageIoEngine.transform(in, o)
                    .bytes());
        }
        inProcess.put("Thumbnailator 0.4.20", in -> thumbnailator(in, 800, false));
        Map<String, Runnable> external = new LinkedHashMap<>();
        Path vipsOut = Files.createTempDirectory("bench-vips");
        if (!vips.isEmpty()) {
            external.put("vipsthumbnail, 1 process per core", () -> vipsBatch(photos, vipsOut));
            external.put("vipsthumbnail, 1 process per file", () -> vipsPerFile(photos, vipsOut));
        }
        Map<String, Double> rates = measure(photos, inProcess, external);
        Map<String, double[]> quality = new LinkedHashMap<>();
        for (Map.Entry<String, Thumbnailer> c : inProcess.entrySet()) {
            List<BufferedImage> outs = new ArrayList<>();
            for (Photo p : photos) {
                outs.add(ImageIO.read(new ByteArrayInputStream(c.getValue().apply(p.bytes))));
            }
            quality.put(c.getKey(), ssim(photos, outs));
        }
        if (!vips.isEmpty()) {
            List<BufferedImage> outs = new ArrayList<>();
            for (Photo p : photos) {
                outs.add(ImageIO.read(vipsOut.resolve(stem(p) + ".jpg").toFile()));
            }
            double[] q = ssim(photos, outs);
            external.keySet().forEach(k -> quality.put(k, q));
        }
        double mine = rates.get("imgpipe engine");
        for (Map.Entry<String, Double> r : rates.entrySet()) {
            double[] q = quality.get(r.getKey());
            System.out.printf(Locale.ROOT, "| %s (%d) | %s | %.2f | %s | %.4f | %.4f |%n", label, photos.size(),
                    r.getKey(), r.getValue(), r.getKey().equals("imgpipe engine") ? "1.00" :
                            String.format(Locale.ROOT, "%.2f×", mine / r.getValue()), q[0], q[1]);
        }
        try (Stream<Path> files = Files.list(vipsOut)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(vipsOut);
    }

    /** The engine against libvips in-process on JPEGs of at most 0.1 MP, which fit 800 leaves at their size. */
    private void smallJpegs(List<Photo> corpusJpegs) throws Exception {
        Path dir = Files.createTempDirectory("bench-small");
        TransformOptions shrink = parser.parse("width=400&height=250&fit=inside&format=jpeg&quality=90");
        for (Photo p : corpusJpegs) {
            byte[] small = (long) p.width * p.height <= SMALL_PIXELS ? p.bytes : engine.transform(p.bytes, shrink).bytes();
            Files.write(dir.resolve(stem(p) + "-small.jpg"), small);
        }
        List<Photo> photos = load(dir, ImageFormat.JPEG);
        System.out.printf(Locale.ROOT, "### Small JPEGs (%d files of at most 0.1 MP: fit inside 800x800 leaves them as"
                + " they are), JPEG q85%n%n", photos.size());
        System.out.println("| contender | images/s | engine ÷ contender |");
        System.out.println("| --- | ---: | ---: |");
        Map<String, Thumbnailer> inProcess = new LinkedHashMap<>();
        inProcess.put("imgpipe engine", options(THUMBNAIL));
        if (engine.decodesJpegNatively()) {
            TransformOptions o = parser.parse(THUMBNAIL);
            inProcess.put("imgpipe engine, ImageIO decoding (no libjpeg-turbo)", in -> imageIoEngine.transform(in, o)
                    .bytes());
        }
        // a pass over small files takes milliseconds: one pass (measure's warm-up) leaves the JIT cold
        for (Thumbnailer t : inProcess.values()) {
            long start = System.nanoTime();
            do {
                pass(photos, t);
            } while ((System.nanoTime() - start) / 1e9 < minSeconds);
        }
        Map<String, Double> rates = measure(photos, inProcess, Map.of());
        if (!vipsbench.isEmpty()) {
            rates.put("libvips in-process (vipsbench thumb800down)", vipsInProcess(photos));
        }
        printRates(rates);
        System.out.println();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /**
     * Images/s of the vipsbench harness on the same files and threads, each of its rounds long enough to measure
     * (the file list repeated), best round of {@link #rounds} after one warm-up, as the engine's best round.
     */
    private double vipsInProcess(List<Photo> photos) throws Exception {
        Path out = Files.createTempDirectory("bench-vipsbench");
        try {
            List<String> files = new ArrayList<>();
            for (int i = 0; i < SMALL_REPEATS; i++) {
                photos.forEach(p -> files.add(p.path.toString()));
            }
            double best = 0;
            for (int round = 0; round < rounds; round++) {
                List<String> cmd = new ArrayList<>(List.of(vipsbench, "thumb800down", Integer.toString(threads), "1",
                        "1", out.toString()));
                cmd.addAll(files);
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().put("VIPS_CONCURRENCY", "1");
                Process p = pb.start();
                String output = new String(p.getInputStream().readAllBytes());
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("vipsbench failed: " + output);
                }
                Matcher m = Pattern.compile(" img_per_s=([0-9.]+)").matcher(output);
                if (!m.find()) {
                    throw new IllegalStateException("no result from vipsbench: " + output);
                }
                best = Math.max(best, Double.parseDouble(m.group(1)));
            }
            return best;
        } finally {
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(out);
        }
    }

    private void printRates(Map<String, Double> rates) {
        double mine = rates.get("imgpipe engine");
        rates.forEach((name, rate) -> System.out.printf(Locale.ROOT, "| %s | %.2f | %s |%n", name, rate,
                name.equals("imgpipe engine") ? "1.00" : String.format(Locale.ROOT, "%.2f×", mine / rate)));
    }

    /** Best images/s of each contender over the rounds; in-process contenders are warmed up first. */
    private Map<String, Double> measure(List<Photo> photos, Map<String, Thumbnailer> inProcess,
                                        Map<String, Runnable> external) throws Exception {
        Map<String, Double> best = new LinkedHashMap<>();
        for (Thumbnailer t : inProcess.values()) {
            pass(photos, t);
        }
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Thumbnailer> c : inProcess.entrySet()) {
                long start = System.nanoTime();
                int images = 0;
                do {
                    pass(photos, c.getValue());
                    images += photos.size();
                } while ((System.nanoTime() - start) / 1e9 < minSeconds);
                best.merge(c.getKey(), images / ((System.nanoTime() - start) / 1e9), Math::max);
            }
            for (Map.Entry<String, Runnable> c : external.entrySet()) {
                long start = System.nanoTime();
                c.getValue().run();
                best.merge(c.getKey(), photos.size() / ((System.nanoTime() - start) / 1e9), Math::max);
            }
        }
        return best;
    }

    private void pass(List<Photo> photos, Thumbnailer t) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (Photo p : photos) {
                results.add(pool.submit(() -> t.apply(p.bytes)));
            }
            for (Future<byte[]> f : results) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private Thumbnailer options(String query) {
        TransformOptions o = parser.parse(query);
        return in -> engine.transform(in, o).bytes();
    }

    private static byte[] thumbnailator(byte[] input, int box, boolean gray) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thumbnails.Builder<? extends InputStream> b = Thumbnails.of(new ByteArrayInputStream(input))
                .size(box, box).outputFormat("jpg").outputQuality(0.85f);
        if (gray) {
            b.addFilter(img -> {
                BufferedImage g = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
                g.getGraphics().drawImage(img, 0, 0, null);
                return g;
            });
        }
        b.toOutputStream(out);
        return out.toByteArray();
    }

    private static byte[] imageIoPng(byte[] input) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(input));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** One single-threaded vipsthumbnail process per thread, each with its share of the files in one run. */
    private void vipsBatch(List<Photo> photos, Path outDir) {
        List<Process> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<String> cmd = new ArrayList<>(List.of(vips, "--size", "800x800>", "-o",
                    outDir.resolve("%s.jpg[Q=85]").toString()));
            for (int i = t; i < photos.size(); i += threads) {
                cmd.add(photos.get(i).path.toString());
            }
            if (cmd.size() > 5) {
                running.add(start(cmd));
            }
        }
        running.forEach(EngineBench::await);
    }

    /** A fresh vipsthumbnail process per file, {@code threads} at a time, as a script calling it per upload would. */
    private void vipsPerFile(List<Photo> photos, Path outDir) {
        List<Process> running = new ArrayList<>();
        for (Photo p : photos) {
            if (running.size() == threads) {
                await(running.remove(0));
            }
            running.add(start(List.of(vips, "--size", "800x800>", "-o", outDir.resolve("%s.jpg[Q=85]").toString(),
                    p.path.toString())));
        }
        running.forEach(EngineBench::await);
    }

    private static Process start(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("VIPS_CONCURRENCY", "1");
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd.get(0), e);
        }
    }

    private static void await(Process p) {
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException("vipsthumbnail failed with " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String vipsVersion() {
        try {
            Process p = new ProcessBuilder(vips, "--vips-version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return "vipsthumbnail " + v;
        } catch (IOException e) {
            return "vipsthumbnail (version unknown)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "vipsthumbnail (version unknown)";
        }
    }

    /** Mean and minimum SSIM of thumbnails against Lanczos-3 references of their own sizes. */
    private double[] ssim(List<Photo> photos, List<BufferedImage> thumbnails) throws IOException {
        double sum = 0;
        double min = 1;
        for (int i = 0; i < photos.size(); i++) {
            BufferedImage t = thumbnails.get(i);
            double[] reference = Lanczos3.luma(fullDecode(photos.get(i)), t.getWidth(), t.getHeight());
            double s = Ssim.of(Ssim.luma(t), reference, t.getWidth(), t.getHeight());
            sum += s;
            min = Math.min(min, s);
        }
        return new double[] {sum / photos.size(), min};
    }

    /** The full-resolution decode, upright: the reference's source. */
    private BufferedImage fullDecode(Photo p) throws IOException {
        BufferedImage cached = fullDecodes.get(p.name());
        if (cached != null) {
            return cached;
        }
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(p.bytes));
        BufferedImage rgb = Pixels.create(decoded.getWidth(), decoded.getHeight(), false);
        if (decoded.getRaster().getNumBands() == 1) {
            // gray samples as they are (see Ssim.luma), not through Java's linear-gray colour model
            int[] d = Pixels.data(rgb);
            for (int y = 0; y < decoded.getHeight(); y++) {
                for (int x = 0; x < decoded.getWidth(); x++) {
                    int v = decoded.getRaster().getSample(x, y, 0);
                    d[y * decoded.getWidth() + x] = 0xFF000000 | v << 16 | v << 8 | v;
                }
            }
        } else {
            rgb.getGraphics().drawImage(decoded, 0, 0, null);
        }
        BufferedImage upright = new Orient(p.orientation).apply(rgb);
        fullDecodes.clear(); // one at a time: a 20 MP decode is 80 MB
        fullDecodes.put(p.name(), upright);
        return upright;
    }

    private static String stem(Photo p) {
        String n = p.name();
        return n.substring(0, n.lastIndexOf('.'));
    }

    private static List<Photo> load(Path dir, ImageFormat format) throws IOException {
        List<Photo> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                if (ImageFormat.sniff(bytes).orElse(null) != format) {
                    continue;
                }
                int[] size = size(bytes);
                boolean progressive = format == ImageFormat.JPEG && hasMarker(bytes, 0xC2);
                int orientation = format == ImageFormat.JPEG ? orientation(bytes) : 1;
                out.add(new Photo(f, bytes, size[0], size[1], progressive, orientation));
            }
        }
        return out;
    }

    private static int[] size(byte[] bytes) throws IOException {
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            ImageReader r = ImageIO.getImageReaders(in).next();
            try {
                r.setInput(in);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        }
    }

    private static boolean hasMarker(byte[] jpeg, int marker) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int m = jpeg[i + 1] & 0xFF;
            if (m == marker) {
                return true;
            }
            if (m == 0xDA) {
                return false;
            }
            i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF);
        }
        return false;
    }

    /** EXIF orientation read with TwelveMonkeys' metadata classes, independently of the engine's parser. */
    private static int orientation(byte[] jpeg) throws IOException {
        try (ImageInputStream in = new ByteArrayImageInputStream(jpeg)) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            if (exif.isEmpty()) {
                return 1;
            }
            byte[] data = exif.get(0).data().readAllBytes();
            // the segment reader strips "Exif\0" and leaves the pad byte before the TIFF header
            int skip = data.length > 6 && data[0] == 'E' && data[1] == 'x' ? 6 : data.length > 0 && data[0] == 0 ? 1 : 0;
            Directory tiff = new TIFFReader().read(new ByteArrayImageInputStream(data, skip, data.length - skip));
            Entry e = tiff.getEntryById(TIFF.TAG_ORIENTATION);
            return e == null ? 1 : ((Number) e.getValue()).intValue();
        }
    }
}
