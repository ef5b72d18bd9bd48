package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.Pixels;

import javax.imageio.IIOImage;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writes the finished image. Nothing but pixels is written (no EXIF, no comments), which is how metadata is
 * stripped. Each format gets the pixel layout its writer handles well: the JPEG writer takes no alpha and no 16-bit
 * samples, so it gets opaque 8-bit RGB (or gray).
 */
final class Encoder {

    private final Codecs codecs;

    Encoder(Codecs codecs) {
        this.codecs = codecs;
    }

    boolean canWrite(ImageFormat format) {
        return codecs.canWrite(format);
    }

    /** Whether the format stores alpha; others get the image flattened onto the background first. */
    static boolean keepsAlpha(ImageFormat format) {
        return format != ImageFormat.JPEG && format != ImageFormat.BMP;
    }

    byte[] encode(BufferedImage image, ImageFormat format, TransformOptions options) throws ImageRejectedException {
        ImageWriter writer = codecs.writer(format).orElseThrow(() -> new ImageRejectedException("unsupported_output",
                "no " + format.key() + " encoder is available"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, image.getWidth() * image.getHeight() / 4));
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(layoutFor(image, format, options), null, null), param(writer, format, options));
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException("unsupported_output", "the " + format.key() + " encoder failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static BufferedImage layoutFor(BufferedImage image, ImageFormat format, TransformOptions options) {
        boolean alpha = Pixels.hasAlpha(image);
        if (options.grayscale() && !alpha && (format == ImageFormat.JPEG || format == ImageFormat.PNG
                || format == ImageFormat.TIFF)) {
            return gray(image);
        }
        return switch (format) {
            case BMP -> convert(image, BufferedImage.TYPE_3BYTE_BGR);
            // the PNG and TIFF writers take byte-interleaved rows directly; packed ints go sample by sample
            case PNG, TIFF -> convert(image, alpha ? BufferedImage.TYPE_4BYTE_ABGR : BufferedImage.TYPE_3BYTE_BGR);
            default -> image;
        };
    }

    private static BufferedImage gray(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] src = Pixels.data(image);
        for (int i = 0; i < src.length; i++) {
            dst[i] = (byte) src[i]; // already gray: R = G = B
        }
        return out;
    }

    private static BufferedImage convert(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static ImageWriteParam param(ImageWriter writer, ImageFormat format, TransformOptions options) {
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (param.canWriteProgressive()) {
            param.setProgressiveMode(options.progressive() ? ImageWriteParam.MODE_DEFAULT
                    : ImageWriteParam.MODE_DISABLED);
        }
        if (!param.canWriteCompressed()) {
            return param;
        }
        switch (format) {
            case JPEG, WEBP -> {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                String[] types = param.getCompressionTypes();
                if (format == ImageFormat.WEBP && types != null && types.length > 0) {
                    param.setCompressionType(types[0]); // lossy
                }
                param.setCompressionQuality(options.quality() / 100f);
            }
            case TIFF -> {
                String[] types = param.getCompressionTypes();
                if (types != null) {
                    Arrays.stream(types).filter(t -> t.toUpperCase(Locale.ROOT).equals("LZW")).findFirst()
                            .ifPresent(t -> {
                                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                                param.setCompressionType(t);
                            });
                }
            }
            default -> {
                // PNG, GIF and BMP are lossless: the writer's defaults are right
            }
        }
        return param;
    }
}
