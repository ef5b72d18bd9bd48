package io.imgpipe.contract.options;

import io.imgpipe.contract.format.ImageFormat;

import java.util.Optional;

/** The requested output: a concrete format, or {@code auto} (the input's format when it can be written). */
public enum OutputFormat {
    AUTO(null), JPEG(ImageFormat.JPEG), PNG(ImageFormat.PNG), GIF(ImageFormat.GIF),
    BMP(ImageFormat.BMP), TIFF(ImageFormat.TIFF), WEBP(ImageFormat.WEBP);

    private final ImageFormat format;

    OutputFormat(ImageFormat format) {
        this.format = format;
    }

    public Optional<ImageFormat> format() {
        return Optional.ofNullable(format);
    }

    /** The concrete format to write for an input of {@code input}. */
    public ImageFormat resolve(ImageFormat input) {
        return format != null ? format : input;
    }
}
