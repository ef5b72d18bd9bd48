package io.imgpipe.contract.options;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static io.imgpipe.contract.options.OptionTable.clip;

/**
 * Turns query parameters into {@link TransformOptions}: one grammar for the REST API, the CLI and the options header.
 *
 * <p>Rules: parameter names are lowercase; an unknown or repeated parameter is an error; {@code preset=NAME} applies a
 * named preset first and explicit parameters override it; a request with no parameter at all gets the
 * {@value #DEFAULT_PRESET} preset. Every error is a {@link BadOptionException} naming the parameter and what it accepts.
 */
public final class OptionsParser {

    public static final String DEFAULT_PRESET = "default";
    public static final int MAX_DIMENSION = OptionTable.MAX_DIMENSION;

    /** Built-in presets; {@code IMGPIPE_PRESETS} adds to or replaces them. */
    public static final Map<String, String> BUILT_IN_PRESETS = Map.of(
            DEFAULT_PRESET, "width=1600&height=1600&fit=inside",
            "thumbnail", "width=200&height=200&fit=cover&gravity=smart&format=jpeg&quality=80",
            "preview", "width=1024&height=1024&fit=inside&format=jpeg&quality=85",
            "avatar", "width=256&height=256&fit=cover&gravity=smart&format=png",
            "card", "width=640&height=400&fit=cover&gravity=smart&format=jpeg&quality=82",
            "full", "width=2048&height=2048&fit=inside");

    /** {@code preset} and the {@link OptionTable} names, in the order errors list them. */
    private static final List<String> NAMES = Stream.concat(Stream.of("preset"), OptionTable.names().stream())
            .toList();

    private final Map<String, String> presets;
    /** The configured watermarks' names, or null when this parser does not check them (the transformer does). */
    private final Set<String> watermarks;

    public OptionsParser(Map<String, String> presets) {
        this(presets, null);
    }

    private OptionsParser(Map<String, String> presets, Set<String> watermarks) {
        this.presets = Map.copyOf(presets);
        this.watermarks = watermarks == null ? null : Set.copyOf(watermarks);
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

    /** This parser, also refusing a watermark name that is not among {@code names} (the gateway's check). */
    public OptionsParser withWatermarks(Set<String> names) {
        return new OptionsParser(presets, names);
    }

    /** Every preset by name, as its query string. */
    public Map<String, String> presets() {
        return new TreeMap<>(presets);
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
        TransformOptions options = applyAll(base, rest);
        if (watermarks != null && options.watermark() != null && !watermarks.contains(options.watermark())) {
            throw new BadOptionException("watermark", "unknown watermark '" + options.watermark() + "'; configured: "
                    + (watermarks.isEmpty() ? "none (IMGPIPE_WATERMARKS)" : String.join(", ", new TreeSet<>(watermarks))));
        }
        return options;
    }

    private static TransformOptions applyAll(TransformOptions start, Map<String, List<String>> query) {
        OptionValues values = OptionValues.of(start);
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            TransformOption<?> option = OptionTable.byName(e.getKey()).orElseThrow(
                    () -> new BadOptionException(e.getKey(), "unknown parameter '" + clip(e.getKey()) + "'"));
            values.set(option, e.getValue().get(0));
        }
        return checked(values.toOptions());
    }

    /** The rules between options; each option's own range is checked by its {@link OptionTable} grammar. */
    private static TransformOptions checked(TransformOptions o) {
        if ((o.fit() == Fit.COVER || o.fit() == Fit.FILL) && (o.width() == 0 || o.height() == 0)) {
            throw new BadOptionException("fit", "fit=" + o.fit().name().toLowerCase(Locale.ROOT)
                    + " needs both width and height");
        }
        if (o.gravity() != Gravity.CENTER && o.fit() != Fit.COVER) {
            throw new BadOptionException("gravity", "gravity only applies with fit=cover");
        }
        if (o.watermark() == null && (o.watermarkPosition() != WatermarkPosition.SE || o.watermarkOpacity() != 1.0
                || o.watermarkScale() != 0.25)) {
            throw new BadOptionException("watermark", "watermark_position, watermark_opacity and watermark_scale need"
                    + " watermark");
        }
        if (o.dpr() != 1.0 && o.width() == 0 && o.height() == 0) {
            throw new BadOptionException("dpr", "dpr needs width or height");
        }
        if (Math.round(o.width() * o.dpr()) > MAX_DIMENSION || Math.round(o.height() * o.dpr()) > MAX_DIMENSION) {
            throw new BadOptionException("dpr", "width or height times dpr must not exceed " + MAX_DIMENSION);
        }
        return o;
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
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
