package io.imgpipe.contract.format;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The raster formats the pipeline reads and writes, recognised by their magic bytes, never by a file name or a
 * Content-Type. SVG and everything else is unsupported.
 */
public enum ImageFormat {
    JPEG("jpeg", "image/jpeg", "jpg"),
    PNG("png", "image/png", "png"),
    GIF("gif", "image/gif", "gif"),
    BMP("bmp", "image/bmp", "bmp"),
    TIFF("tiff", "image/tiff", "tiff"),
    WEBP("webp", "image/webp", "webp");

    private final String key;
    private final String mediaType;
    private final String extension;

    ImageFormat(String key, String mediaType, String extension) {
        this.key = key;
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The lowercase name used in routing keys, query parameters and the database. */
    public String key() {
        return key;
    }

    public String mediaType() {
        return mediaType;
    }

    public String extension() {
        return extension;
    }

    public static Optional<ImageFormat> fromKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String k = key.trim().toLowerCase(Locale.ROOT);
        if (k.equals("jpg")) {
            return Optional.of(JPEG);
        }
        if (k.equals("tif")) {
            return Optional.of(TIFF);
        }
        return Arrays.stream(values()).filter(f -> f.key.equals(k)).findFirst();
    }

    /** Recognises a format from the first bytes of a file. */
    public static Optional<ImageFormat> sniff(byte[] head) {
        if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, 'G', 'I', 'F', '8') && head.length > 5 && (head[4] == '7' || head[4] == '9') && head[5] == 'a') {
            return Optional.of(GIF);
        }
        if (startsWith(head, 'B', 'M') && head.length >= 26) {
            return Optional.of(BMP);
        }
        if (startsWith(head, 'I', 'I', 42, 0) || startsWith(head, 'M', 'M', 0, 42)) {
            return Optional.of(TIFF);
        }
        if (startsWith(head, 'R', 'I', 'F', 'F') && head.length >= 16
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return Optional.of(WEBP);
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] data, int... magic) {
        if (data == null || data.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
