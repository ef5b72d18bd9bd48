package io.imgpipe.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A random 128-bit image id, written as 32 lowercase hex digits. Never sequential, never guessable. */
public record ImageId(String value) {

    private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public ImageId {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("an image id is 32 lowercase hex digits");
        }
    }

    public static ImageId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new ImageId(HexFormat.of().formatHex(bytes));
    }

    /**
     * The id of an upload sent with an {@code Idempotency-Key}: the same key always names the same image, so a client
     * that retries an upload whose answer it never got cannot create a second image. As unguessable as the key.
     */
    public static ImageId fromIdempotencyKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("imgpipe-idempotency-key:" + key).getBytes(StandardCharsets.UTF_8));
            return new ImageId(HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isWellFormed(String candidate) {
        return candidate != null && SHAPE.matcher(candidate).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
