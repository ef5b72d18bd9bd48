package io.imgpipe.transformer.cli;

import io.imgpipe.contract.options.BadOptionException;
import io.imgpipe.contract.options.OptionTable;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.contract.variants.VariantRequest;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.ImageEngine;
import io.imgpipe.transformer.engine.ImageRejectedException;
import io.imgpipe.transformer.engine.TransformResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Transforms files with the engine, in parallel on every core: {@code bin/transform --width=800 --format=jpeg -o DIR
 * FILES...}. The options are the query parameters of the REST API, written {@code --name=value} ({@code --grayscale}
 * alone means true), and go through the same {@link OptionsParser}. Exits 0 when every file was transformed, 1 when
 * any failed, 2 on a usage error.
 */
public final class TransformCli {

    static final int OK = 0;
    static final int SOME_FAILED = 1;
    static final int USAGE = 2;

    /** The option lines come from {@link OptionTable}, the one definition of the options. */
    static final String USAGE_TEXT = """
            usage: bin/transform [--OPTION=VALUE ...] [--preset=NAME] [--threads=N] -o DIR FILE...
                   bin/transform --variants=NAME,NAME... [--threads=N] -o DIR FILE...
              options are the query parameters of POST /image (--grayscale alone means true):
            """ + OptionTable.helpLines("    ") + """
              --preset=NAME applies a named preset first (%s); explicit options override it.
              with no option at all the 'default' preset applies, as for an upload.
              --variants=A,B,C makes one file per preset from one read of each input: DIR/<file>-<preset>.<ext>
              (not combined with the options above).
            """.formatted(String.join(", ", OptionsParser.withPresets(null).presetNames()));

    private final PrintStream out;
    private final PrintStream err;

    TransformCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new TransformCli(System.out, System.err).run(args));
    }

    /**
     * Parsed command line.
     *
     * @param variants the presets of {@code --variants}, one output file each; empty for one result of {@code options}
     */
    record Invocation(TransformOptions options, Path outputDir, List<Path> files, int threads,
                      List<Variant> variants) {
    }

    int run(String[] args) {
        Invocation invocation;
        try {
            invocation = parse(args);
        } catch (BadOptionException e) {
            err.println("bad option --" + e.parameter() + ": " + e.getMessage());
            return USAGE;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        try {
            Files.createDirectories(invocation.outputDir());
        } catch (IOException e) {
            err.println("cannot create output directory " + invocation.outputDir() + ": " + e.getMessage());
            return USAGE;
        }
        return transformAll(invocation);
    }

    static Invocation parse(String[] args) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        Path outputDir = null;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new IllegalArgumentException("transform files with the imgpipe engine");
            } else if (arg.equals("-o") || arg.equals("--output")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a directory");
                }
                outputDir = Path.of(args[++i]);
            } else if (arg.startsWith("--output=")) {
                outputDir = Path.of(arg.substring("--output=".length()));
            } else if (arg.startsWith("--threads=")) {
                threads = threads(arg.substring("--threads=".length()));
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
                String value = eq < 0 ? "" : arg.substring(eq + 1);
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                files.add(Path.of(arg));
            }
        }
        if (outputDir == null) {
            throw new IllegalArgumentException("no output directory: give -o DIR");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input file");
        }
        OptionsParser parser = OptionsParser.withPresets(null);
        if (query.containsKey(VariantRequest.PARAMETER)) {
            List<Variant> variants = VariantRequest.parse(parser, query);
            return new Invocation(parser.parseCanonical(variants.get(0).options()), outputDir, List.copyOf(files),
                    threads, variants);
        }
        TransformOptions options = parser.parse(query);
        return new Invocation(options, outputDir, List.copyOf(files), threads, List.of());
    }

    private static int threads(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= 256) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--threads must be an integer from 1 to 256, got '" + value + "'");
    }

    private int transformAll(Invocation inv) {
        ImageEngine engine = new ImageEngine(EngineLimits.forFiles());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(inv.threads(), inv.files().size()));
        long start = System.nanoTime();
        int failed = 0;
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Path file : inv.files()) {
                results.add(pool.submit(() -> transformOne(engine, file, inv)));
            }
            for (Future<String> result : results) {
                String line = result.get();
                if (line.startsWith("FAIL")) {
                    failed++;
                    err.println(line);
                } else {
                    out.println(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return SOME_FAILED;
        } catch (ExecutionException e) {
            err.println("unexpected failure: " + e.getCause());
            return SOME_FAILED;
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int total = inv.files().size();
        out.printf(Locale.ROOT, "%d transformed, %d failed, %.2f s, %.1f images/s on %d threads%n",
                total - failed, failed, seconds, total / seconds, Math.min(inv.threads(), total));
        return failed == 0 ? OK : SOME_FAILED;
    }

    private static String transformOne(ImageEngine engine, Path file, Invocation inv) {
        if (!inv.variants().isEmpty()) {
            return transformVariants(engine, file, inv);
        }
        long start = System.nanoTime();
        try {
            byte[] input = Files.readAllBytes(file);
            TransformResult r = engine.transform(input, inv.options());
            Path target = inv.outputDir().resolve(baseName(file) + "." + r.format().extension());
            Files.write(target, r.bytes());
            return String.format(Locale.ROOT, "ok   %s %dx%d %s -> %s %dx%d %s, %d KB, %d ms", file,
                    r.sourceWidth(), r.sourceHeight(), r.sourceFormat().key(), target, r.width(), r.height(),
                    r.format().key(), (r.bytes().length + 1023) / 1024, (System.nanoTime() - start) / 1_000_000);
        } catch (ImageRejectedException e) {
            return "FAIL " + file + ": " + e.reason() + ": " + e.getMessage();
        } catch (IOException e) {
            return "FAIL " + file + ": io_error: " + e.getMessage();
        }
    }

    /** Every variant from one read of the file ({@link ImageEngine#transformEach}), each {@code <file>-<variant>.<ext>}. */
    private static String transformVariants(ImageEngine engine, Path file, Invocation inv) {
        long start = System.nanoTime();
        OptionsParser canonical = new OptionsParser(Map.of());
        List<TransformOptions> options = inv.variants().stream().map(v -> canonical.parseCanonical(v.options()))
                .toList();
        List<String> made = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try {
            byte[] input = Files.readAllBytes(file);
            engine.transformEach(input, options, (i, r, failure) -> {
                String name = inv.variants().get(i).name();
                if (failure != null) {
                    failed.add(name + ": " + failure.reason() + ": " + failure.getMessage());
                    return;
                }
                Path target = inv.outputDir().resolve(baseName(file) + "-" + name + "." + r.format().extension());
                Files.write(target, r.bytes());
                made.add(String.format(Locale.ROOT, "%s %dx%d %s %d KB", target, r.width(), r.height(),
                        r.format().key(), (r.bytes().length + 1023) / 1024));
            });
        } catch (ImageRejectedException e) {
            return "FAIL " + file + ": " + e.reason() + ": " + e.getMessage();
        } catch (Exception e) {
            return "FAIL " + file + ": io_error: " + e.getMessage();
        }
        if (!failed.isEmpty()) {
            return "FAIL " + file + ": " + String.join("; ", failed);
        }
        return String.format(Locale.ROOT, "ok   %s -> %s, %d ms", file, String.join(", ", made),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
