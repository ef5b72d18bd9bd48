package io.imgpipe.contract.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The raster formats the pipeline reads and writes, recognised by their magic bytes, never by a file name or a
 * Content-Type. SVG and everything else is unsupported. HEIF and AVIF need the transformer's native libheif; this
 * enum only says what a file is, not whether a given worker can read it.
 */
public enum ImageFormat {
    JPEG("jpeg", "image/jpeg", "jpg"),
    PNG("png", "image/png", "png"),
    GIF("gif", "image/gif", "gif"),
    BMP("bmp", "image/bmp", "bmp"),
    TIFF("tiff", "image/tiff", "tiff"),
    WEBP("webp", "image/webp", "webp"),
    /** HEIF with HEVC pictures (iPhone photos, {@code .heic}); read only, through libheif. */
    HEIF("heif", "image/heif", "heic"),
    /** HEIF with AV1 pictures; read and written through libheif. */
    AVIF("avif", "image/avif", "avif");

    /** ISO-BMFF brands (ISO/IEC 23008-12, AV1 Image File Format) that name an AV1-coded image file. */
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    /** Brands of HEVC-coded and generic HEIF image files; mif1/msf1 count only when no AVIF brand is listed. */
    private static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm",
            "hevs", "mif1", "msf1");
    /** A box header (8) plus major brand and minor version (8): the least an ftyp box holds. */
    private static final int FTYP_MIN_BYTES = 16;
    /** Brands read from an ftyp box at most; real files list a handful. */
    private static final int MAX_BRANDS = 64;

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
        if (k.equals("heic")) {
            return Optional.of(HEIF);
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
        return isoMediaBrand(head);
    }

    /**
     * HEIF and AVIF are ISO-BMFF files that start with an {@code ftyp} box: major brand, minor version, then
     * compatible brands. An AVIF brand anywhere wins (AVIF files often carry {@code mif1} as major brand too).
     */
    private static Optional<ImageFormat> isoMediaBrand(byte[] head) {
        if (head == null || head.length < FTYP_MIN_BYTES || head[4] != 'f' || head[5] != 't' || head[6] != 'y'
                || head[7] != 'p') {
            return Optional.empty();
        }
        long size = (head[0] & 0xFFL) << 24 | (head[1] & 0xFF) << 16 | (head[2] & 0xFF) << 8 | (head[3] & 0xFF);
        if (size < FTYP_MIN_BYTES || size % 4 != 0) {
            return Optional.empty();
        }
        int end = (int) Math.min(Math.min(size, head.length), FTYP_MIN_BYTES + 4L * MAX_BRANDS);
        boolean heif = false;
        for (int i = 8; i + 4 <= end; i += i == 8 ? 8 : 4) { // major brand, skip the minor version, then the list
            String brand = new String(head, i, 4, StandardCharsets.ISO_8859_1);
            if (AVIF_BRANDS.contains(brand)) {
                return Optional.of(AVIF);
            }
            heif |= HEIF_BRANDS.contains(brand);
        }
        return heif ? Optional.of(HEIF) : Optional.empty();
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
