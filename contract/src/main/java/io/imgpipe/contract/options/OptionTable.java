package io.imgpipe.contract.options;

import io.imgpipe.contract.options.TransformOption.Kind;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every transform option, defined once. The order is the canonical order of {@link TransformOptions#toQuery()} and of
 * every listing (help, errors, page). Adding an option is one entry here, its component in {@link TransformOptions}
 * and its implementation in the engine; {@code OptionTableTest} and the gateway's OpenAPI test say what else is out
 * of step.
 */
public final class OptionTable {

    public static final int MAX_DIMENSION = 16_384;

    public static final TransformOption<Integer> WIDTH = new TransformOption<>("width", Kind.INTEGER,
            1.0, (double) MAX_DIMENSION, List.of(), "1.." + MAX_DIMENSION,
            "Target width in pixels (before dpr); without height the height follows the aspect ratio.",
            0, TransformOptions::width, v -> integer("width", v, 1, MAX_DIMENSION), OptionTable::integerText);

    public static final TransformOption<Integer> HEIGHT = new TransformOption<>("height", Kind.INTEGER,
            1.0, (double) MAX_DIMENSION, List.of(), "1.." + MAX_DIMENSION,
            "Target height in pixels (before dpr); without width the width follows the aspect ratio.",
            0, TransformOptions::height, v -> integer("height", v, 1, MAX_DIMENSION), OptionTable::integerText);

    public static final TransformOption<Fit> FIT = choice("fit", Fit.class, Fit.CONTAIN, TransformOptions::fit,
            "How the resize fits width x height: contain, cover (crop the overflow; needs both), fill (stretch; "
                    + "needs both), inside (never enlarge).");

    public static final TransformOption<Gravity> GRAVITY = choice("gravity", Gravity.class, Gravity.CENTER,
            TransformOptions::gravity, "Which part a fit=cover crop keeps; smart keeps the most detailed region.");

    public static final TransformOption<Crop> CROP = new TransformOption<>("crop", Kind.TEXT, null, null, List.of(),
            "x,y,w,h", "An explicit crop in source pixels (after auto-orientation), applied before resizing.",
            null, TransformOptions::crop, OptionTable::crop, Crop::toQueryValue);

    public static final TransformOption<Double> DPR = decimal("dpr", 1, 4, 1.0, TransformOptions::dpr,
            "Device pixel ratio multiplying width and height; needs width or height.");

    public static final TransformOption<Integer> ROTATE = new TransformOption<>("rotate", Kind.INTEGER, null, null,
            List.of("0", "90", "180", "270"), "0|90|180|270",
            "Clockwise rotation in degrees after the resize (360, -90, -180 and -270 are accepted too).",
            0, TransformOptions::rotate, OptionTable::rotation, OptionTable::integerText);

    public static final TransformOption<Flip> FLIP = new TransformOption<>("flip", Kind.CHOICE, null, null,
            lowercase(Flip.class), "h|v|both|none", "Mirror horizontally, vertically or both.",
            Flip.NONE, TransformOptions::flip, OptionTable::flip, OptionTable::lower);

    public static final TransformOption<Boolean> AUTOROTATE = bool("autorotate", true, TransformOptions::autoOrient,
            "Apply the EXIF orientation first.");

    public static final TransformOption<Boolean> GRAYSCALE = bool("grayscale", false, TransformOptions::grayscale,
            "Convert to gray.");

    public static final TransformOption<Double> BLUR = decimal("blur", 0, 100, 0.0, TransformOptions::blur,
            "Gaussian blur sigma, 0 for none.");

    public static final TransformOption<Double> SHARPEN = decimal("sharpen", 0, 10, 0.0, TransformOptions::sharpen,
            "Unsharp-mask amount, 0 for none.");

    public static final TransformOption<Integer> BACKGROUND = new TransformOption<>("background", Kind.TEXT, null,
            null, List.of(), "rrggbb|rgb",
            "Hex RGB colour that transparent pixels are flattened onto when the output has no alpha.",
            0xFFFFFF, TransformOptions::background, OptionTable::colour,
            rgb -> String.format(Locale.ROOT, "%06x", rgb));

    public static final TransformOption<String> WATERMARK = new TransformOption<>("watermark", Kind.TEXT, null, null,
            List.of(), "name", "A configured logo (IMGPIPE_WATERMARKS) placed on the result; an unknown name is refused.",
            null, TransformOptions::watermark, OptionTable::watermarkName, v -> v);

    public static final TransformOption<WatermarkPosition> WATERMARK_POSITION = choice("watermark_position",
            WatermarkPosition.class, WatermarkPosition.SE, TransformOptions::watermarkPosition,
            "Where the watermark goes: a compass point (n, ne, e, se, s, sw, w, nw), center, or tile.");

    public static final TransformOption<Double> WATERMARK_OPACITY = decimal("watermark_opacity", 0, 1, 1.0,
            TransformOptions::watermarkOpacity, "Opacity of the watermark, times its own alpha.");

    public static final TransformOption<Double> WATERMARK_SCALE = decimal("watermark_scale", 0.01, 1, 0.25,
            TransformOptions::watermarkScale, "Width of the watermark as a fraction of the result's width.");

    public static final TransformOption<OutputFormat> FORMAT = new TransformOption<>("format", Kind.CHOICE, null,
            null, lowercase(OutputFormat.class), "auto|jpeg|png|gif|bmp|tiff|webp|avif",
            "Output format; auto keeps the input's format (HEIC becomes JPEG), jpg means jpeg.",
            OutputFormat.AUTO, TransformOptions::format,
            v -> choiceValue("format", v.equals("jpg") ? "jpeg" : v, OutputFormat.class), OptionTable::lower);

    public static final TransformOption<Integer> QUALITY = new TransformOption<>("quality", Kind.INTEGER, 1.0, 100.0,
            List.of(), "1..100", "Lossy encoding quality (JPEG, WebP, AVIF).",
            85, TransformOptions::quality, v -> integer("quality", v, 1, 100),
            OptionTable::integerText);

    public static final TransformOption<Boolean> PROGRESSIVE = bool("progressive", false,
            TransformOptions::progressive, "Progressive JPEG / interlaced PNG and GIF.");

    public static final TransformOption<Integer> PNG_COLORS = new TransformOption<>("png_colors", Kind.INTEGER, 2.0,
            256.0, List.of(), "2..256",
            "PNG output: quantise to at most this many colours (median cut) for a much smaller palette file.",
            0, TransformOptions::pngColors, v -> integer("png_colors", v, 2, 256), OptionTable::integerText);

    public static final TransformOption<Boolean> PNG_DITHER = bool("png_dither", true, TransformOptions::pngDither,
            "With png_colors: spread the quantisation error (Floyd-Steinberg) so gradients do not band.");

    public static final TransformOption<Boolean> STRIP = bool("strip", true, TransformOptions::strip,
            "Drop EXIF, XMP and IPTC (colours are converted to sRGB); false keeps them and the ICC profile in jpeg,"
                    + " png and webp, with the EXIF orientation reset to 1 after auto-orientation.");

    public static final TransformOption<Keep> KEEP = choice("keep", Keep.class, Keep.ALL, TransformOptions::keep,
            "Which metadata strip=false keeps: all, or copyright (only the EXIF Artist and Copyright, whatever strip"
                    + " says: no GPS, no camera data).");

    public static final TransformOption<Frames> FRAMES = choice("frames", Frames.class, Frames.ALL,
            TransformOptions::frames, "Animated GIF/WebP input: all keeps every frame, its delay and the loop count"
                    + " when the output is gif or webp (other formats get the first frame); first asks for a still.");

    /** The table, in canonical order. */
    public static final List<TransformOption<?>> ALL = List.of(WIDTH, HEIGHT, FIT, GRAVITY, CROP, DPR, ROTATE, FLIP,
            AUTOROTATE, GRAYSCALE, BLUR, SHARPEN, BACKGROUND, WATERMARK, WATERMARK_POSITION, WATERMARK_OPACITY, WATERMARK_SCALE, FORMAT, QUALITY, PROGRESSIVE, PNG_COLORS, PNG_DITHER, STRIP, KEEP, FRAMES);

    private static final Map<String, TransformOption<?>> BY_NAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(TransformOption::name, Function.identity()));
    private static final Pattern HEX_COLOUR = Pattern.compile("#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})");

    private OptionTable() {
    }

    public static Optional<TransformOption<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The option names in canonical order. */
    public static List<String> names() {
        return ALL.stream().map(TransformOption::name).toList();
    }

    /** Every option's {@link TransformOption#describe()}, in canonical order: the page's option metadata. */
    public static List<Map<String, Object>> describeAll() {
        return ALL.stream().map(TransformOption::describe).toList();
    }

    /** The option lines of a command-line help text: {@code --name=SYNTAX}, then its help and default. */
    public static String helpLines(String indent) {
        StringBuilder sb = new StringBuilder();
        for (TransformOption<?> o : ALL) {
            sb.append(indent).append("--").append(o.name()).append('=').append(o.syntax()).append('\n')
                    .append(indent).append("    ").append(o.help());
            if (!o.defaultIsAbsence()) {
                sb.append(" Default: ").append(o.jsonDefault()).append('.');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    // ---- entry constructors for the common shapes

    private static <E extends Enum<E>> TransformOption<E> choice(String name, Class<E> type, E fallback,
                                                                 Function<TransformOptions, E> read, String help) {
        List<String> values = lowercase(type);
        return new TransformOption<>(name, Kind.CHOICE, null, null, values, String.join("|", values), help,
                fallback, read, v -> choiceValue(name, v, type), OptionTable::lower);
    }

    private static TransformOption<Double> decimal(String name, double min, double max, double fallback,
                                                   Function<TransformOptions, Double> read, String help) {
        return new TransformOption<>(name, Kind.NUMBER, min, max, List.of(), fmt(min) + ".." + fmt(max), help,
                fallback, read, v -> decimalValue(name, v, min, max), OptionTable::number);
    }

    private static TransformOption<Boolean> bool(String name, boolean fallback,
                                                 Function<TransformOptions, Boolean> read, String help) {
        return new TransformOption<>(name, Kind.BOOLEAN, null, null, List.of(), "true|false", help, fallback, read,
                v -> boolValue(name, v), b -> Boolean.toString(b));
    }

    // ---- the value grammars: every error names the parameter and what it accepts

    /** Integer.parseInt also takes non-ASCII digits (width=１００); the grammar is ASCII only. */
    static int asciiInt(String v) {
        if (!v.matches("[+-]?[0-9]{1,10}")) {
            throw new NumberFormatException(v);
        }
        return Integer.parseInt(v);
    }

    static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private static int integer(String name, String v, int min, int max) {
        try {
            int n = asciiInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadOptionException(name, name + " must be an integer from " + min + " to " + max
                + ", got '" + clip(v) + "'");
    }

    private static double decimalValue(String name, String v, double min, double max) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d) && d >= min && d <= max && !v.matches(".*[a-zA-Z].*")) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadOptionException(name, name + " must be a number from " + fmt(min) + " to " + fmt(max)
                + ", got '" + clip(v) + "'");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static boolean boolValue(String name, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadOptionException(name, name + " must be true or false, got '" + clip(v) + "'");
        };
    }

    private static <E extends Enum<E>> E choiceValue(String name, String v, Class<E> type) {
        try {
            if (!v.equals(v.toLowerCase(Locale.ROOT)) || v.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadOptionException(name, name + " must be one of " + String.join(", ", lowercase(type))
                    + ", got '" + clip(v) + "'");
        }
    }

    private static int rotation(String v) {
        return switch (v) {
            case "0", "360" -> 0;
            case "90", "-270" -> 90;
            case "180", "-180" -> 180;
            case "270", "-90" -> 270;
            default -> throw new BadOptionException("rotate", "rotate must be 0, 90, 180 or 270, got '" + clip(v) + "'");
        };
    }

    private static Flip flip(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "h", "horizontal" -> Flip.HORIZONTAL;
            case "v", "vertical" -> Flip.VERTICAL;
            case "hv", "vh", "both" -> Flip.BOTH;
            case "none" -> Flip.NONE;
            default -> throw new BadOptionException("flip", "flip must be h, v, both or none, got '" + clip(v) + "'");
        };
    }

    private static Crop crop(String v) {
        String[] parts = v.split(",", -1);
        if (parts.length == 4) {
            try {
                int x = asciiInt(parts[0].trim());
                int y = asciiInt(parts[1].trim());
                int w = asciiInt(parts[2].trim());
                int h = asciiInt(parts[3].trim());
                if (x >= 0 && y >= 0 && w > 0 && h > 0 && w <= 100_000 && h <= 100_000
                        && x <= 100_000 && y <= 100_000) {
                    return new Crop(x, y, w, h);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new BadOptionException("crop", "crop must be x,y,width,height with x,y >= 0 and width,height > 0, got '"
                + clip(v) + "'");
    }

    private static String watermarkName(String v) {
        if (!v.matches("[a-z0-9_-]{1,40}")) {
            throw new BadOptionException("watermark", "watermark must be the name of a configured watermark (lowercase"
                    + " letters, digits, '-' and '_'), got '" + clip(v) + "'");
        }
        return v;
    }

    private static int colour(String v) {
        if (!HEX_COLOUR.matcher(v).matches()) {
            throw new BadOptionException("background", "background must be a hex colour like ffffff or #fff, got '"
                    + clip(v) + "'");
        }
        String hex = v.startsWith("#") ? v.substring(1) : v;
        if (hex.length() == 3) {
            hex = "" + hex.charAt(0) + hex.charAt(0) + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2);
        }
        return Integer.parseInt(hex, 16);
    }

    // ---- canonical forms

    private static String integerText(int n) {
        return Integer.toString(n);
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> List<String> lowercase(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(OptionTable::lower).toList();
    }

    /** Plain decimal notation: {@link Double#toString} writes 1.0E-4, which the parser rejects. */
    private static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
