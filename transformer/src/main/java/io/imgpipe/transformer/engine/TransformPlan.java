package io.imgpipe.transformer.engine;

import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.Crop;
import io.imgpipe.contract.options.Fit;
import io.imgpipe.contract.options.Flip;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.transformer.engine.ops.ConvertToSrgb;
import io.imgpipe.transformer.engine.ops.CropRegion;
import io.imgpipe.transformer.engine.ops.Flatten;
import io.imgpipe.transformer.engine.ops.GaussianBlur;
import io.imgpipe.transformer.engine.ops.GravityCrop;
import io.imgpipe.transformer.engine.ops.Grayscale;
import io.imgpipe.transformer.engine.ops.ImageOperation;
import io.imgpipe.transformer.engine.ops.Mirror;
import io.imgpipe.transformer.engine.ops.Orient;
import io.imgpipe.transformer.engine.ops.Resize;
import io.imgpipe.transformer.engine.ops.Rotate;
import io.imgpipe.transformer.engine.ops.Sharpen;

import java.awt.color.ICC_ColorSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of a transform, worked out from the header alone (before any pixel is decoded): the crop in upright
 * source pixels, the size the resize produces, and so how coarsely the decoder may subsample. The operations are
 * then laid out in the order {@link TransformOptions} documents.
 *
 * @param sourceWidth  upright source width (after EXIF orientation)
 * @param sourceHeight upright source height
 * @param crop         explicit crop clipped to the source, or null
 * @param resizeWidth  width the resize produces (before rotate), the region's width when there is no resize
 * @param resizeHeight height the resize produces
 */
record TransformPlan(int sourceWidth, int sourceHeight, Crop crop, int resizeWidth, int resizeHeight,
                     TransformOptions options) {

    /** Decoding at this many times the target at least keeps subsampling's aliasing out of the result. */
    static final int OVERSAMPLING = 2;
    /** Headroom left after shrink-on-load in the DCT domain (libjpeg-turbo). */
    static final double DCT_OVERSAMPLING = 1.5;

    static TransformPlan of(int sourceWidth, int sourceHeight, TransformOptions o, EngineLimits limits)
            throws ImageRejectedException {
        Crop crop = clip(o.crop(), sourceWidth, sourceHeight);
        int rw = crop == null ? sourceWidth : crop.width();
        int rh = crop == null ? sourceHeight : crop.height();
        int[] size = o.resizes() ? fit(rw, rh, o) : new int[] {rw, rh};
        int max = OptionsParser.MAX_DIMENSION;
        if (size[0] > max || size[1] > max) {
            throw new ImageRejectedException("bad_option", "the result would be " + size[0] + "x" + size[1]
                    + " pixels; at most " + max + " per side");
        }
        if ((long) size[0] * size[1] > limits.maxPixels()) {
            throw new ImageRejectedException("bad_option", "the result would be " + size[0] + "x" + size[1]
                    + " pixels, more than the limit of " + limits.maxPixels());
        }
        return new TransformPlan(sourceWidth, sourceHeight, crop, size[0], size[1], o);
    }

    /** Width of the result: the resize's, turned by the requested rotation. */
    int outputWidth() {
        return options.rotate() % 180 == 0 ? resizeWidth : resizeHeight;
    }

    int outputHeight() {
        return options.rotate() % 180 == 0 ? resizeHeight : resizeWidth;
    }

    private static Crop clip(Crop crop, int w, int h) throws ImageRejectedException {
        if (crop == null) {
            return null;
        }
        if (crop.x() >= w || crop.y() >= h) {
            throw new ImageRejectedException("bad_option", "crop " + crop.toQueryValue() + " starts outside the "
                    + w + "x" + h + " image");
        }
        return new Crop(crop.x(), crop.y(), Math.min(crop.width(), w - crop.x()),
                Math.min(crop.height(), h - crop.y()));
    }

    /** Output size of fitting a {@code w} × {@code h} region into the requested box. */
    private static int[] fit(int w, int h, TransformOptions o) {
        int bw = o.scaledWidth();
        int bh = o.scaledHeight();
        if (o.fit() == Fit.FILL || o.fit() == Fit.COVER) {
            return new int[] {bw, bh};
        }
        double scale;
        if (bw == 0) {
            scale = (double) bh / h;
        } else if (bh == 0) {
            scale = (double) bw / w;
        } else {
            scale = Math.min((double) bw / w, (double) bh / h);
        }
        if (o.fit() == Fit.INSIDE && scale >= 1) {
            return new int[] {w, h};
        }
        int ow = bw != 0 && scale == (double) bw / w ? bw : (int) Math.max(1, Math.round(w * scale));
        int oh = bh != 0 && scale == (double) bh / h ? bh : (int) Math.max(1, Math.round(h * scale));
        return new int[] {ow, oh};
    }

    /**
     * The largest decoder subsampling that still leaves the region to be resized at least {@link #OVERSAMPLING}
     * times the output size along both axes: subsampling keeps one pixel in s × s, so it aliases unless the final
     * resize still has room to low-pass.
     */
    int subsampling() {
        return Math.max(1, (int) Math.floor(reduction() / OVERSAMPLING));
    }

    /**
     * The largest DCT-domain scale 1/1, 1/2, 1/4 or 1/8 that leaves the region at least {@link #DCT_OVERSAMPLING}
     * times the output size. Scaling in the DCT averages blocks, so it needs less headroom than subsampling.
     */
    int dctDenominator() {
        double r = reduction();
        int d = 8;
        while (d > 1 && r / d < DCT_OVERSAMPLING) {
            d /= 2;
        }
        return d;
    }

    /** How many times larger than the output the region to be resized is, along its tighter axis. */
    private double reduction() {
        double rw = crop == null ? sourceWidth : crop.width();
        double rh = crop == null ? sourceHeight : crop.height();
        if (options.fit() == Fit.COVER && options.resizes()) {
            // only the cover window is resized; the rest is cropped away
            double aspect = (double) resizeWidth / resizeHeight;
            if (rw / rh > aspect) {
                rw = rh * aspect;
            } else {
                rh = rw / aspect;
            }
        }
        return Math.min(rw / resizeWidth, rh / resizeHeight);
    }

    /**
     * The operations to run on the decoded image, which may be subsampled: the explicit crop is scaled by the
     * decoded size, the resize target is not.
     *
     * @param orientation  EXIF orientation to undo (1 when auto-orientation is off)
     * @param decodedWidth upright width of the decoded image
     * @param colourSpace  non-sRGB colour space of the decoded samples, or null
     * @param output       the format to be written
     * @param watermark    the watermark step, or null
     */
    List<ImageOperation> operations(int orientation, int decodedWidth, int decodedHeight, ICC_ColorSpace colourSpace,
                                    ImageFormat output, ImageOperation watermark) {
        List<ImageOperation> ops = new ArrayList<>();
        if (orientation != Exif.UPRIGHT) {
            ops.add(new Orient(orientation));
        }
        if (crop != null) {
            double sx = (double) decodedWidth / sourceWidth;
            double sy = (double) decodedHeight / sourceHeight;
            int x = Math.min((int) (crop.x() * sx), decodedWidth - 1);
            int y = Math.min((int) (crop.y() * sy), decodedHeight - 1);
            int w = (int) Math.max(1, Math.min(Math.round(crop.width() * sx), decodedWidth - x));
            int h = (int) Math.max(1, Math.min(Math.round(crop.height() * sy), decodedHeight - y));
            ops.add(new CropRegion(x, y, w, h));
        }
        if (options.resizes()) {
            if (options.fit() == Fit.COVER) {
                ops.add(new GravityCrop(resizeWidth, resizeHeight, options.gravity()));
            }
            ops.add(new Resize(resizeWidth, resizeHeight));
        } else if (decodedWidth != sourceWidth || decodedHeight != sourceHeight) {
            ops.add(new Resize(resizeWidth, resizeHeight));
        }
        if (colourSpace != null) {
            ops.add(new ConvertToSrgb(colourSpace));
        }
        if (options.rotate() != 0) {
            ops.add(new Rotate(options.rotate()));
        }
        if (options.flip() != Flip.NONE) {
            ops.add(new Mirror(options.flip()));
        }
        if (options.grayscale()) {
            ops.add(new Grayscale());
        }
        if (options.blur() > 0) {
            ops.add(new GaussianBlur(options.blur()));
        }
        if (options.sharpen() > 0) {
            ops.add(new Sharpen(options.sharpen()));
        }
        if (watermark != null) {
            ops.add(watermark);
        }
        if (!Encoder.keepsAlpha(output)) {
            ops.add(new Flatten(options.background()));
        }
        return ops;
    }
}
