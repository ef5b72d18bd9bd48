package io.imgpipe.contract.options;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns query parameters into {@link TransformOptions}: one grammar for the REST API, the CLI and the options header.
 *
 * <p>Rules: parameter names are lowercase; an unknown or repeated parameter is an error; {@code preset=NAME} applies a
 * named preset first and explicit parameters override it; a request with no parameter at all gets the
 * {@value #DEFAULT_PRESET} preset. Every error is a {@link BadOptionException} naming the parameter and what it accepts.
 */
public final class OptionsParser {

    public static final String DEFAULT_PRESET = "default";
    public static final int MAX_DIMENSION = 16_384;

    /** Built-in presets; {@code IMGPIPE_PRESETS} adds to or replaces them. */
    public static final Map<String, String> BUILT_IN_PRESETS = Map.of(
            DEFAULT_PRESET, "width=1600&height=1600&fit=inside",
            "thumbnail", "width=200&height=200&fit=cover&gravity=smart&format=jpeg&quality=80",
            "preview", "width=1024&height=1024&fit=inside&format=jpeg&quality=85",
            "avatar", "width=256&height=256&fit=cover&gravity=smart&format=png");

    private static final List<String> NAMES = List.of("preset", "width", "height", "fit", "gravity", "crop", "dpr",
            "rotate", "flip", "autorotate", "grayscale", "blur", "sharpen", "background", "format", "quality",
            "progressive", "strip");
    private static final Pattern HEX_COLOUR = Pattern.compile("#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})");

    private final Map<String, String> presets;

    public OptionsParser(Map<String, String> presets) {
        this.presets = Map.copyOf(presets);
        this.presets.forEach((name, query) -> {
            try {
                applyAll(TransformOptions.IDENTITY, parseQuery(query));
            } catch (BadOptionException e) {
                throw new IllegalArgumentException("preset '" + name + "' is invalid: " + e.getMessage(), e);
            }
        });
    }

    /** A parser with the built-in presets plus those of a {@code name:query;name:query} setting. */
    public static OptionsParser withPresets(String setting) {
        Map<String, String> all = new LinkedHashMap<>(BUILT_IN_PRESETS);
        if (setting != null && !setting.isBlank()) {
            for (String entry : setting.split(";")) {
                if (entry.isBlank()) {
                    continue;
                }
                int colon = entry.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("a preset is NAME:QUERY, got '" + entry + "'");
                }
                all.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
            }
        }
        return new OptionsParser(all);
    }

    /** Every preset by name, as its query string. */
    public Map<String, String> presets() {
        return new java.util.TreeMap<>(presets);
    }

    public Set<String> presetNames() {
        return new TreeSet<>(presets.keySet());
    }

    /** Parses a canonical or user query string such as {@code width=800&fit=cover}. */
    public TransformOptions parse(String query) {
        return parse(parseQuery(query));
    }

    /**
     * Parses a {@link TransformOptions#toQuery()} string as carried in the options header. Unlike {@link #parse},
     * an empty string means {@link TransformOptions#IDENTITY}, not the default preset: the canonical form of a
     * request that asked for no change is empty.
     */
    public TransformOptions parseCanonical(String canonicalQuery) {
        Map<String, List<String>> query = parseQuery(canonicalQuery);
        return query.isEmpty() ? TransformOptions.IDENTITY : parse(query);
    }

    public TransformOptions parse(Map<String, List<String>> query) {
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!NAMES.contains(e.getKey())) {
                throw new BadOptionException(e.getKey(), "unknown parameter '" + clip(e.getKey())
                        + "'; allowed: " + String.join(", ", NAMES));
            }
            if (e.getValue().size() > 1) {
                throw new BadOptionException(e.getKey(), "parameter '" + e.getKey() + "' is given more than once");
            }
        }
        TransformOptions base = TransformOptions.IDENTITY;
        String presetName = single(query, "preset");
        if (presetName == null && query.isEmpty() && presets.containsKey(DEFAULT_PRESET)) {
            presetName = DEFAULT_PRESET;
        }
        if (presetName != null) {
            String preset = presets.get(presetName);
            if (preset == null) {
                throw new BadOptionException("preset", "unknown preset '" + clip(presetName) + "'; allowed: "
                        + String.join(", ", presetNames()));
            }
            base = applyAll(base, parseQuery(preset));
        }
        Map<String, List<String>> rest = new LinkedHashMap<>(query);
        rest.remove("preset");
        if (presetName != null && rest.containsKey("fit") && !rest.containsKey("gravity")
                && !"cover".equals(rest.get("fit").get(0).trim())) {
            // a preset's cover gravity must not make "preset=thumbnail&fit=contain" an error
            rest.put("gravity", List.of("center"));
        }
        return applyAll(base, rest);
    }

    private static TransformOptions applyAll(TransformOptions start, Map<String, List<String>> query) {
        Builder b = new Builder(start);
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (!NAMES.contains(e.getKey()) || e.getKey().equals("preset")) {
                throw new BadOptionException(e.getKey(), "unknown parameter '" + clip(e.getKey()) + "'");
            }
            b.set(e.getKey(), e.getValue().get(0));
        }
        return b.build();
    }

    /** Splits {@code a=1&b=2} (percent-decoded) into name → values, keeping the order. */
    public static Map<String, List<String>> parseQuery(String query) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (query == null || query.isBlank()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Integer.parseInt also takes non-ASCII digits (width=１００); the grammar is ASCII only. */
    private static int asciiInt(String v) {
        if (!v.matches("[+-]?[0-9]{1,10}")) {
            throw new NumberFormatException(v);
        }
        return Integer.parseInt(v);
    }

    static String clip(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private static final class Builder {
        int width;
        int height;
        Fit fit;
        Gravity gravity;
        Crop crop;
        double dpr;
        int rotate;
        Flip flip;
        boolean autoOrient;
        boolean grayscale;
        double blur;
        double sharpen;
        int background;
        OutputFormat format;
        int quality;
        boolean progressive;
        boolean strip;

        Builder(TransformOptions o) {
            width = o.width();
            height = o.height();
            fit = o.fit();
            gravity = o.gravity();
            crop = o.crop();
            dpr = o.dpr();
            rotate = o.rotate();
            flip = o.flip();
            autoOrient = o.autoOrient();
            grayscale = o.grayscale();
            blur = o.blur();
            sharpen = o.sharpen();
            background = o.background();
            format = o.format();
            quality = o.quality();
            progressive = o.progressive();
            strip = o.strip();
        }

        void set(String name, String raw) {
            String v = raw.trim();
            switch (name) {
                case "width" -> width = integer(name, v, 1, MAX_DIMENSION);
                case "height" -> height = integer(name, v, 1, MAX_DIMENSION);
                case "fit" -> fit = choice(name, v, Fit.class);
                case "gravity" -> gravity = choice(name, v, Gravity.class);
                case "crop" -> crop = crop(v);
                case "dpr" -> dpr = decimal(name, v, 1, 4);
                case "rotate" -> rotate = rotation(v);
                case "flip" -> flip = flip(v);
                case "autorotate" -> autoOrient = bool(name, v);
                case "grayscale" -> grayscale = bool(name, v);
                case "blur" -> blur = decimal(name, v, 0, 100);
                case "sharpen" -> sharpen = decimal(name, v, 0, 10);
                case "background" -> background = colour(v);
                case "format" -> format = choice(name, v.equals("jpg") ? "jpeg" : v, OutputFormat.class);
                case "quality" -> quality = integer(name, v, 1, 100);
                case "progressive" -> progressive = bool(name, v);
                case "strip" -> strip = bool(name, v);
                default -> throw new BadOptionException(name, "unknown parameter '" + clip(name) + "'");
            }
        }

        TransformOptions build() {
            if ((fit == Fit.COVER || fit == Fit.FILL) && (width == 0 || height == 0)) {
                throw new BadOptionException("fit", "fit=" + fit.name().toLowerCase(Locale.ROOT)
                        + " needs both width and height");
            }
            if (gravity != Gravity.CENTER && fit != Fit.COVER) {
                throw new BadOptionException("gravity", "gravity only applies with fit=cover");
            }
            if (dpr != 1.0 && width == 0 && height == 0) {
                throw new BadOptionException("dpr", "dpr needs width or height");
            }
            if (Math.round(width * dpr) > MAX_DIMENSION || Math.round(height * dpr) > MAX_DIMENSION) {
                throw new BadOptionException("dpr", "width or height times dpr must not exceed " + MAX_DIMENSION);
            }
            return new TransformOptions(width, height, fit, gravity, crop, dpr, rotate, flip, autoOrient, grayscale,
                    blur, sharpen, background, format, quality, progressive, strip);
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

        private static double decimal(String name, String v, double min, double max) {
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

        private static boolean bool(String name, String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "" -> true;
                case "false", "0", "no" -> false;
                default -> throw new BadOptionException(name, name + " must be true or false, got '" + clip(v) + "'");
            };
        }

        private static <E extends Enum<E>> E choice(String name, String v, Class<E> type) {
            String allowed = Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
            try {
                if (!v.equals(v.toLowerCase(Locale.ROOT)) || v.isEmpty()) {
                    throw new IllegalArgumentException();
                }
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadOptionException(name, name + " must be one of " + allowed + ", got '" + clip(v) + "'");
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
    }
}
