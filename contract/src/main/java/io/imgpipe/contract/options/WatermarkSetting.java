package io.imgpipe.contract.options;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configured watermarks, {@code IMGPIPE_WATERMARKS=name:path;name:path}: the gateway knows their names (an
 * unknown one is a 400), the transformer loads their images.
 */
public final class WatermarkSetting {

    public static final String VARIABLE = "IMGPIPE_WATERMARKS";

    private WatermarkSetting() {
    }

    /** Name → PNG file, in the setting's order; a malformed entry throws, naming the variable. */
    public static Map<String, Path> parse(String setting) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (setting == null || setting.isBlank()) {
            return out;
        }
        for (String entry : setting.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String name = colon < 0 ? "" : entry.substring(0, colon).trim();
            String path = colon < 0 ? "" : entry.substring(colon + 1).trim();
            if (!name.matches("[a-z0-9_-]{1,40}") || path.isEmpty()) {
                throw new IllegalArgumentException(VARIABLE + " is name:path;name:path with names of lowercase"
                        + " letters, digits, '-' and '_', got '" + OptionTable.clip(entry) + "'");
            }
            if (out.put(name, Path.of(path)) != null) {
                throw new IllegalArgumentException(VARIABLE + " names watermark '" + name + "' twice");
            }
        }
        return out;
    }
}
