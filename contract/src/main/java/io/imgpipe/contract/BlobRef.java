package io.imgpipe.contract;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A claim check: where an image's bytes lie in the object store, instead of the bytes themselves. Objects are
 * content-addressed, so the key derives from the SHA-256 digest alone and storing the same bytes twice (a redelivered
 * upload, the same file uploaded again) writes the same object.
 *
 * @param key    the object's key in the bucket ({@code sha256/ab/abcdef...})
 * @param sha256 the lower-case hex SHA-256 digest of the bytes
 * @param size   the number of bytes
 */
public record BlobRef(String key, String sha256, long size) {

    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");

    public BlobRef {
        if (sha256 == null || !HEX_DIGEST.matcher(sha256).matches()) {
            throw new IllegalArgumentException("a blob digest is 64 lower-case hex digits, got '" + sha256 + "'");
        }
        if (!keyOf(sha256).equals(key)) {
            throw new IllegalArgumentException("blob key '" + key + "' does not name digest " + sha256);
        }
        if (size < 0) {
            throw new IllegalArgumentException("a blob size is not negative, got " + size);
        }
    }

    /** The reference of these bytes (hashes them). */
    public static BlobRef of(byte[] bytes) {
        String hex = HexFormat.of().formatHex(Digests.sha256(bytes));
        return new BlobRef(keyOf(hex), hex, bytes.length);
    }

    public static BlobRef of(String sha256, long size) {
        String hex = sha256.toLowerCase(Locale.ROOT);
        return new BlobRef(keyOf(hex), hex, size);
    }

    /** Two hex digits of fan-out, as object stores list by prefix and some shard by it. */
    public static String keyOf(String sha256) {
        return "sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    /** The HTTP entity tag of these bytes: the digest, which never changes for a key. */
    public String etag() {
        return "\"" + sha256 + "\"";
    }
}
