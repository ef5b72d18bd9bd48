package io.imgpipe.contract.variants;

import io.imgpipe.contract.options.OptionsParser;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The codec of the {@code variants} header: the variants one job makes, in order, as a query string whose values are
 * the percent-encoded canonical options ({@code thumbnail=width%3D200...&preview=...}), so that no option value can
 * break the list apart.
 */
public final class Variants {

    /** The variant that plain options (or none) make, as before variants existed. */
    public static final String DEFAULT = OptionsParser.DEFAULT_PRESET;
    /** Most variants one upload may ask for: bounds a job's work and its messages. */
    public static final int MAX_PER_JOB = 8;

    private Variants() {
    }

    public static String encode(List<Variant> variants) {
        return variants.stream()
                .map(v -> v.name() + "=" + URLEncoder.encode(v.options(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** @throws IllegalArgumentException when the header is not a list of well-formed variants */
    public static List<Variant> decode(String header) {
        List<Variant> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : OptionsParser.parseQuery(header).entrySet()) {
            out.add(new Variant(e.getKey(), e.getValue().get(0)));
        }
        if (out.isEmpty() || out.size() > MAX_PER_JOB) {
            throw new IllegalArgumentException("a job has 1 to " + MAX_PER_JOB + " variants, got " + out.size());
        }
        return out;
    }
}
