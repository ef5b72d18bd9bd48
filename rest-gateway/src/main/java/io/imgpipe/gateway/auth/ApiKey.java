package io.imgpipe.gateway.auth;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One accepted API key, held as the SHA-256 digest of the secret so that neither the configuration nor the keys
 * table holds a secret.
 *
 * @param owner    the owner every image uploaded with this key belongs to
 * @param digest   SHA-256 of the key
 * @param operator may also read {@code /metrics}
 */
public record ApiKey(String owner, byte[] digest, boolean operator) {

    public static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public ApiKey {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new IllegalArgumentException("an owner is 1 to 63 of a-z 0-9 . _ - starting with a letter or digit, got '"
                    + owner + "'");
        }
        if (digest == null || digest.length != 32) {
            throw new IllegalArgumentException("the key of owner " + owner + " must be a SHA-256 digest (64 hex digits)");
        }
    }

    /**
     * Parses {@code IMGPIPE_API_KEYS}: comma-separated {@code owner:sha256hex} pairs, {@code :operator} appended for
     * keys that may read the metrics.
     */
    public static List<ApiKey> parseAll(String setting) {
        List<ApiKey> keys = new ArrayList<>();
        if (setting == null || setting.isBlank()) {
            return keys;
        }
        for (String entry : setting.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split(":");
            boolean operator = parts.length == 3 && parts[2].equals("operator");
            if (parts.length != 2 && !operator) {
                throw new IllegalArgumentException("IMGPIPE_API_KEYS entries are owner:sha256hex[:operator], got '"
                        + (parts.length > 0 ? parts[0] : "") + ":…'");
            }
            byte[] digest;
            try {
                digest = HexFormat.of().parseHex(parts[1].toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("IMGPIPE_API_KEYS: the digest of owner " + parts[0]
                        + " is not hex (printf %s \"$KEY\" | sha256sum)");
            }
            keys.add(new ApiKey(parts[0], digest, operator));
        }
        return List.copyOf(keys);
    }
}
