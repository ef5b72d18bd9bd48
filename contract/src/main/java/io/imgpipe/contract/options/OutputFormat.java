package io.imgpipe.contract.options;

import io.imgpipe.contract.format.ImageFormat;

import java.util.Optional;

/** The requested output: a concrete format, or {@code auto} (the input's format; JPEG for HEIC). */
public enum OutputFormat {
    AUTO(null), JPEG(ImageFormat.JPEG), PNG(ImageFormat.PNG), GIF(ImageFormat.GIF),
    BMP(ImageFormat.BMP), TIFF(ImageFormat.TIFF), WEBP(ImageFormat.WEBP), AVIF(ImageFormat.AVIF);

    private final ImageFormat format;

    OutputFormat(ImageFormat format) {
        this.format = format;
    }

    public Optional<ImageFormat> format() {
        return Optional.ofNullable(format);
    }

    /**
     * The concrete format to write for an input of {@code input}. {@code auto} turns HEIC into JPEG: there is no
     * HEVC encoder to write it with (Debian's libheif has none), and only Safari displays it.
     */
    public ImageFormat resolve(ImageFormat input) {
        if (format != null) {
            return format;
        }
        return input == ImageFormat.HEIF ? ImageFormat.JPEG : input;
    }
}
