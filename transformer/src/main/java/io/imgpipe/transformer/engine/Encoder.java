package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.Deadline;
import io.imgpipe.transformer.engine.ops.Pixels;

import javax.imageio.IIOImage;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOWriteProgressListener;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writes the finished image. Nothing but pixels is written (no EXIF, no comments), which is how metadata is
 * stripped; what {@code strip=false} keeps is added to the encoded bytes by {@link MetadataWriter}. Each format gets the pixel layout its writer handles well: the JPEG writer takes no alpha and no 16-bit
 * samples, so it gets opaque 8-bit RGB (or gray).
 */
final class Encoder {

    private static final int BMP_HEADER_BYTES = 54;

    private final Codecs codecs;
    /** Each worker thread's output array, reused from one result to the next ({@link ResultBuffer}). */
    private final ThreadLocal<byte[]> spare = new ThreadLocal<>();

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

    /**
     * The exact size of an uncompressed result (BMP: 54 header bytes, rows of 24-bit pixels padded to 4 bytes), or
     * 0 for formats whose size depends on the content.
     */
    static long predictedBytes(ImageFormat format, int width, int height) {
        if (format == ImageFormat.BMP) {
            return BMP_HEADER_BYTES + ((3L * width + 3) & ~3L) * height;
        }
        return 0;
    }

    /**
     * Encodes, stopping as soon as the result grows past {@code maxBytes} ({@code result_too_large}: the buffer
     * refuses the write) or the deadline passes ({@link Deadline.Exceeded}: the writers report their progress row
     * by row, and are aborted from that callback).
     */
    byte[] encode(BufferedImage image, ImageFormat format, TransformOptions options, long maxBytes, Deadline deadline)
            throws ImageRejectedException {
        ImageWriter writer = codecs.writer(format).orElseThrow(() -> new ImageRejectedException("unsupported_output",
                "no " + format.key() + " encoder is available"));
        ResultBuffer out = new ResultBuffer(spare.get(), maxBytes);
        DeadlineWatch watch = new DeadlineWatch(deadline);
        try {
            writer.setOutput(out);
            writer.addIIOWriteProgressListener(watch);
            writer.write(null, new IIOImage(layoutFor(image, format, options), null, null), param(writer, format, options));
            out.flush();
        } catch (ResultBuffer.TooLarge e) {
            throw tooLarge(format, maxBytes);
        } catch (IOException | RuntimeException e) {
            if (!deadline.expired()) {
                if (e.getCause() instanceof ResultBuffer.TooLarge) {
                    throw tooLarge(format, maxBytes);
                }
                throw new ImageRejectedException("unsupported_output", "the " + format.key() + " encoder failed", e);
            }
        } finally {
            writer.dispose();
            spare.set(out.reusable());
        }
        deadline.check();
        return out.toByteArray();
    }

    private static ImageRejectedException tooLarge(ImageFormat format, long maxBytes) {
        return new ImageRejectedException("result_too_large", "the encoded " + format.key() + " result is larger"
                + " than the limit of " + maxBytes + " bytes");
    }

    /** Aborts a writer once the deadline has passed (a result outgrowing its limit is stopped by the buffer). */
    private static final class DeadlineWatch implements IIOWriteProgressListener {
        private final Deadline deadline;

        DeadlineWatch(Deadline deadline) {
            this.deadline = deadline;
        }

        private void check(ImageWriter writer) {
            if (deadline.expired()) {
                writer.abort();
            }
        }

        @Override public void imageStarted(ImageWriter source, int imageIndex) { check(source); }
        @Override public void imageProgress(ImageWriter source, float percentageDone) { check(source); }
        @Override public void imageComplete(ImageWriter source) { check(source); }
        @Override public void thumbnailStarted(ImageWriter source, int imageIndex, int thumbnailIndex) { }
        @Override public void thumbnailProgress(ImageWriter source, float percentageDone) { }
        @Override public void thumbnailComplete(ImageWriter source) { }
        @Override public void writeAborted(ImageWriter source) { }
    }

    private static BufferedImage layoutFor(BufferedImage image, ImageFormat format, TransformOptions options) {
        if (image.getColorModel() instanceof IndexColorModel) {
            return image; // a palette made for this output ({@link Palette})
        }
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
        byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
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
