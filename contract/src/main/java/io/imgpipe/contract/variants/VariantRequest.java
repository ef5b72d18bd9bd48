package io.imgpipe.contract.variants;

import io.imgpipe.contract.options.BadOptionException;
import io.imgpipe.contract.options.OptionsParser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an upload (or {@code bin/transform}) asks for: {@code variants=thumbnail,preview} names configured presets,
 * each one variant; otherwise the plain options (or none) make the one variant {@value Variants#DEFAULT}, exactly as
 * before variants existed. Both at once is ambiguous and refused, naming the conflict.
 */
public final class VariantRequest {

    public static final String PARAMETER = "variants";

    private VariantRequest() {
    }

    /** @throws BadOptionException naming {@code variants} or the offending option */
    public static List<Variant> parse(OptionsParser parser, Map<String, List<String>> query) {
        List<String> asked = query.get(PARAMETER);
        if (asked == null) {
            return List.of(new Variant(Variants.DEFAULT, parser.parse(query).toQuery()));
        }
        List<String> plain = query.keySet().stream().filter(k -> !k.equals(PARAMETER)).toList();
        if (!plain.isEmpty()) {
            throw new BadOptionException(PARAMETER, "variants and plain options cannot be combined (got variants with "
                    + clip(String.join(", ", plain)) + "): name presets in variants, or give options for one result");
        }
        if (asked.size() > 1) {
            throw new BadOptionException(PARAMETER, "parameter 'variants' is given more than once");
        }
        return ofNames(parser, asked.get(0));
    }

    /** The variants named in {@code thumbnail,preview}: configured presets, at most {@link Variants#MAX_PER_JOB}. */
    public static List<Variant> ofNames(OptionsParser parser, String names) {
        Set<String> unique = new LinkedHashSet<>();
        for (String raw : names.split(",", -1)) {
            String name = raw.trim();
            if (name.isEmpty()) {
                throw new BadOptionException(PARAMETER, "variants is a comma-separated list of preset names; allowed: "
                        + String.join(", ", parser.presetNames()));
            }
            if (!parser.presetNames().contains(name)) {
                throw new BadOptionException(PARAMETER, "unknown preset '" + clip(name) + "' in variants; allowed: "
                        + String.join(", ", parser.presetNames()));
            }
            if (!unique.add(name)) {
                throw new BadOptionException(PARAMETER, "variant '" + name + "' is named more than once");
            }
        }
        if (unique.size() > Variants.MAX_PER_JOB) {
            throw new BadOptionException(PARAMETER, "at most " + Variants.MAX_PER_JOB + " variants per upload");
        }
        List<Variant> out = new ArrayList<>();
        for (String name : unique) {
            out.add(preset(parser, name));
        }
        return out;
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** The variant a configured preset makes. */
    public static Variant preset(OptionsParser parser, String name) {
        return new Variant(name, parser.parse(Map.of("preset", List.of(name))).toQuery());
    }
}
