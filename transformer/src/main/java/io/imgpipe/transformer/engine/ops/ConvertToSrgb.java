package io.imgpipe.transformer.engine.ops;

import java.awt.Transparency;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Converts samples that are in an embedded ICC colour space (Adobe RGB, Display P3, ...) to sRGB, so that every
 * output looks as the source did in a colour-managed viewer. Alpha is carried over unchanged.
 */
public final class ConvertToSrgb implements ImageOperation {

    private final ICC_ColorSpace source;

    public ConvertToSrgb(ICC_ColorSpace source) {
        this.source = source;
    }

    /** Rows converted between two deadline checks: a colour engine call per band, not per row. */
    private static final int ROWS_PER_CALL = 8 * Deadline.BAND;

    @Override
    public BufferedImage apply(BufferedImage image) {
        return apply(image, Deadline.NONE);
    }

    @Override
    public BufferedImage apply(BufferedImage image, Deadline deadline) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] src = Pixels.data(image);
        byte[] samples = new byte[w * h * 3];
        for (int i = 0, j = 0; i < src.length; i++, j += 3) {
            int c = src[i];
            samples[j] = (byte) (c >> 16);
            samples[j + 1] = (byte) (c >> 8);
            samples[j + 2] = (byte) c;
        }
        ComponentColorModel model = new ComponentColorModel(source, false, false, Transparency.OPAQUE,
                DataBuffer.TYPE_BYTE);
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(samples, samples.length), w, h,
                w * 3, 3, new int[] {0, 1, 2}, null);
        BufferedImage tagged = new BufferedImage(model, raster, false, null);
        BufferedImage converted = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        ColorConvertOp op = new ColorConvertOp(null);
        for (int y = 0; y < h; y += ROWS_PER_CALL) {
            deadline.check();
            int rows = Math.min(ROWS_PER_CALL, h - y);
            op.filter(tagged.getSubimage(0, y, w, rows), converted.getSubimage(0, y, w, rows));
        }
        if (!Pixels.hasAlpha(image)) {
            return converted;
        }
        BufferedImage out = Pixels.create(w, h, true);
        int[] rgb = Pixels.data(converted);
        int[] dst = Pixels.data(out);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (src[i] & 0xFF000000) | (rgb[i] & 0xFFFFFF);
        }
        return out;
    }
}
