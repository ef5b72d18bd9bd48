package io.imgpipe.contract.variants;

import java.util.regex.Pattern;

/**
 * One named result of an image: its name (a preset's, or {@value Variants#DEFAULT} for plain options) and the
 * canonical options that make it ({@link io.imgpipe.contract.options.TransformOptions#toQuery()}).
 */
public record Variant(String name, String options) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public Variant {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a variant name is 1-64 of letters, digits, '_', '.' and '-', got '"
                    + name + "'");
        }
        options = options == null ? "" : options;
    }

    public static boolean isWellFormedName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
