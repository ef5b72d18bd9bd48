package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.contract.options.WatermarkSetting;
import io.imgpipe.transformer.engine.ops.ImageOperation;
import io.imgpipe.transformer.engine.ops.Pixels;
import io.imgpipe.transformer.engine.ops.Watermark;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configured watermark logos ({@code IMGPIPE_WATERMARKS}), loaded once when the transformer starts: each file
 * must be a PNG that decodes, at most {@value #MAX_SIDE} pixels a side. A bad file stops the start with a message
 * naming the variable, the watermark and the file.
 */
public final class Watermarks {

    public static final Watermarks NONE = new Watermarks(Map.of());
    static final int MAX_SIDE = 4096;

    private final Map<String, BufferedImage> logos;

    private Watermarks(Map<String, BufferedImage> logos) {
        this.logos = Map.copyOf(logos);
    }

    /** Loads every watermark of a {@code name:path;…} setting. */
    public static Watermarks load(String setting) {
        Map<String, BufferedImage> logos = new TreeMap<>();
        for (Map.Entry<String, Path> e : WatermarkSetting.parse(setting).entrySet()) {
            logos.put(e.getKey(), read(e.getKey(), e.getValue()));
        }
        return new Watermarks(logos);
    }

    public Set<String> names() {
        return logos.keySet();
    }

    /** The watermark step the options ask for, or null for none. */
    ImageOperation operation(TransformOptions options) throws ImageRejectedException {
        if (options.watermark() == null) {
            return null;
        }
        BufferedImage logo = logos.get(options.watermark());
        if (logo == null) {
            throw new ImageRejectedException("bad_option", "no watermark named '" + options.watermark()
                    + "' is configured on this transformer (" + WatermarkSetting.VARIABLE + ")");
        }
        return new Watermark(logo, options.watermarkPosition(), options.watermarkOpacity(), options.watermarkScale());
    }

    private static BufferedImage read(String name, Path path) {
        String what = WatermarkSetting.VARIABLE + ": watermark '" + name + "' (" + path + ")";
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (ImageFormat.sniff(bytes).orElse(null) != ImageFormat.PNG) {
            throw new IllegalArgumentException(what + " is not a PNG");
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " does not decode: " + e.getMessage(), e);
        }
        if (decoded == null || decoded.getWidth() > MAX_SIDE || decoded.getHeight() > MAX_SIDE) {
            throw new IllegalArgumentException(what + " does not decode, or is larger than " + MAX_SIDE
                    + " pixels a side");
        }
        BufferedImage argb = Pixels.create(decoded.getWidth(), decoded.getHeight(), true);
        Graphics2D g = argb.createGraphics();
        try {
            g.drawImage(decoded, 0, 0, null);
        } finally {
            g.dispose();
        }
        return argb;
    }
}
