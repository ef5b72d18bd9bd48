package io.imgpipe.transformer.engine;

import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;

/**
 * Brings whatever a decoder returned into the {@link Pixels} layout. Eight-bit component images are copied sample
 * by sample, without colour conversion, so that a wide-gamut image can be shrunk first and converted to sRGB after
 * ({@link Normalized#colourSpace}), on far fewer pixels. Everything else (palettes, 16-bit, odd layouts) is drawn
 * by Java2D, which converts to sRGB on the way.
 */
final class Normalizer {

    /** @param colourSpace the space the samples are in when it is not sRGB, else null */
    record Normalized(BufferedImage image, ICC_ColorSpace colourSpace) {
    }

    private Normalizer() {
    }

    static Normalized normalize(BufferedImage decoded, ICC_Profile embedded) {
        ColorSpace cs = decoded.getColorModel().getColorSpace();
        boolean rgb = cs.getType() == ColorSpace.TYPE_RGB;
        ICC_ColorSpace pending = null;
        if (rgb && !cs.isCS_sRGB() && cs instanceof ICC_ColorSpace ics) {
            pending = ics;
        } else if (cs.isCS_sRGB() && embedded != null && embedded.getColorSpaceType() == ColorSpace.TYPE_RGB
                && !IccProfiles.isSrgb(embedded)) {
            pending = new ICC_ColorSpace(embedded);
        }
        int type = decoded.getType();
        if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && (cs.isCS_sRGB() || pending != null)) {
            return new Normalized(decoded, pending);
        }
        BufferedImage copied = copyInterleavedBytes(decoded, rgb);
        if (copied != null) {
            return new Normalized(copied, pending);
        }
        return new Normalized(draw(decoded), null);
    }

    /** Copies 8-bit gray, gray+alpha, RGB or RGBA samples as they are; null when the layout is another. */
    private static BufferedImage copyInterleavedBytes(BufferedImage img, boolean rgb) {
        if (!(img.getColorModel() instanceof ComponentColorModel cm) || cm.isAlphaPremultiplied()
                || !(img.getRaster().getDataBuffer() instanceof DataBufferByte buffer)
                || !(img.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel sm)
                || img.getRaster().getParent() != null) {
            return null;
        }
        int bands = sm.getNumBands();
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (!(gray && (bands == 1 || bands == 2) || rgb && (bands == 3 || bands == 4))
                || bands != cm.getNumComponents()) {
            return null;
        }
        for (int size : cm.getComponentSize()) {
            if (size != 8) {
                return null;
            }
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean alpha = cm.hasAlpha();
        BufferedImage out = Pixels.create(w, h, alpha);
        int[] dst = Pixels.data(out);
        byte[] src = buffer.getData();
        int[] offsets = sm.getBandOffsets();
        int stride = sm.getScanlineStride();
        int step = sm.getPixelStride();
        int base = buffer.getOffset();
        int r = offsets[0];
        int g = gray ? offsets[0] : offsets[1];
        int b = gray ? offsets[0] : offsets[2];
        int a = alpha ? offsets[bands - 1] : -1;
        for (int y = 0; y < h; y++) {
            int p = base + y * stride;
            int o = y * w;
            for (int x = 0; x < w; x++, p += step) {
                int av = a < 0 ? 0xFF : src[p + a] & 0xFF;
                dst[o + x] = av << 24 | (src[p + r] & 0xFF) << 16 | (src[p + g] & 0xFF) << 8 | (src[p + b] & 0xFF);
            }
        }
        return out;
    }

    private static BufferedImage draw(BufferedImage img) {
        BufferedImage out = Pixels.create(img.getWidth(), img.getHeight(), img.getColorModel().hasAlpha());
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
