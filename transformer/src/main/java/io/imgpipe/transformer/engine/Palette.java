package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Palette PNG output: a palette input whose pixels the transform left among its palette's colours (a crop, a
 * rotation, a flip, no resampling) is written with that palette again rather than as a four times larger RGBA
 * file; {@code png_colors=N} quantises any image to N colours ({@link MedianCut}).
 */
final class Palette {

    private static final int PNG_PALETTE = 3;

    private Palette() {
    }

    /**
     * The image to encode: indexed when one of the two applies, else the image as it is.
     *
     * @param source the source's palette ({@link #ofSource}), or null
     */
    static BufferedImage forOutput(BufferedImage image, IndexColorModel source, TransformOptions options,
                                   ImageFormat output) {
        if (output != ImageFormat.PNG) {
            return image;
        }
        if (options.pngColors() > 0) {
            return MedianCut.quantise(image, options.pngColors(), options.pngDither());
        }
        if (source != null) {
            BufferedImage indexed = reindex(image, source);
            return indexed != null ? indexed : image;
        }
        return image;
    }

    /**
     * The source's palette: the decoder's colour model when it kept one (GIF), else a palette PNG's PLTE and tRNS
     * chunks (ImageIO's PNG reader expands a palette with transparency to RGBA); null for other images.
     */
    static IndexColorModel ofSource(byte[] input, ImageFormat format, ColorModel decoded) {
        if (decoded instanceof IndexColorModel palette) {
            return palette;
        }
        if (format != ImageFormat.PNG || input.length < 26 || input[25] != PNG_PALETTE) {
            return null;
        }
        Chunk plte = PngChunks.find(input, "PLTE");
        if (plte == null || !plte.within(input) || plte.length() % 3 != 0 || plte.length() < 3
                || plte.length() > 3 * 256) {
            return null;
        }
        int n = plte.length() / 3;
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) 0xFF);
        for (int i = 0; i < n; i++) {
            r[i] = input[plte.data() + 3 * i];
            g[i] = input[plte.data() + 3 * i + 1];
            b[i] = input[plte.data() + 3 * i + 2];
        }
        Chunk trns = PngChunks.find(input, "tRNS");
        if (trns != null && trns.within(input)) {
            for (int i = 0; i < Math.min(n, trns.length()); i++) {
                a[i] = input[trns.data() + i];
            }
        }
        return new IndexColorModel(8, n, r, g, b, a);
    }

    /** The image in the palette's indices, or null as soon as a pixel has a colour the palette lacks. */
    static BufferedImage reindex(BufferedImage image, IndexColorModel palette) {
        Map<Integer, Integer> index = new HashMap<>();
        int transparent = -1;
        for (int i = palette.getMapSize() - 1; i >= 0; i--) {
            int argb = palette.getRGB(i);
            if (argb >>> 24 == 0) {
                transparent = i;
            } else {
                index.put(argb, i);
            }
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int[] px = Pixels.data(image);
        boolean alpha = Pixels.hasAlpha(image);
        BufferedImage out = indexedImage(w, h, palette);
        WritableRaster raster = out.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = alpha ? px[y * w + x] : px[y * w + x] | 0xFF000000;
                Integer i = argb >>> 24 == 0 ? (transparent < 0 ? null : transparent) : index.get(argb);
                if (i == null) {
                    i = roundedFrom(argb, palette);
                    if (i < 0) {
                        return null;
                    }
                    index.put(argb, i);
                }
                row[x] = i;
            }
            raster.setPixels(0, y, w, 1, row);
        }
        return out;
    }

    /**
     * The palette entry a translucent pixel came from: drawing a palette image into ARGB rounds the colour of
     * partly transparent pixels by a step or two. -1 when no entry is that close (the pixel is a new colour).
     */
    private static int roundedFrom(int argb, IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int p = palette.getRGB(i);
            boolean close = true;
            for (int shift = 0; shift < 32 && close; shift += 8) {
                close = Math.abs((p >>> shift & 0xFF) - (argb >>> shift & 0xFF)) <= 2;
            }
            if (close) {
                return i;
            }
        }
        return -1;
    }

    /** An indexed image as small as the palette allows: 1, 2 or 4 bits per pixel for up to 2, 4 or 16 colours. */
    static BufferedImage indexedImage(int w, int h, IndexColorModel palette) {
        int n = palette.getMapSize();
        if (n > 16) {
            return new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, palette);
        }
        int bits = n <= 2 ? 1 : n <= 4 ? 2 : 4;
        int size = 1 << bits;
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        byte[] a = new byte[size];
        for (int i = 0; i < n; i++) {
            int argb = palette.getRGB(i);
            a[i] = (byte) (argb >>> 24);
            r[i] = (byte) (argb >> 16);
            g[i] = (byte) (argb >> 8);
            b[i] = (byte) argb;
        }
        return new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(bits, size, r, g, b, a));
    }
}
