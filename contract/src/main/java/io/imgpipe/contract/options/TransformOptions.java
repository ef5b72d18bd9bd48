package io.imgpipe.contract.options;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything a transform does, already validated. Built by {@link OptionsParser}; carried between services in the
 * {@code options} header as its canonical query string ({@link #toQuery()}).
 *
 * <p>The operations apply in this fixed order, whatever the order of the query parameters: EXIF auto-orientation,
 * crop, resize (width/height × dpr, fit, gravity), rotate, flip, grayscale, blur, sharpen, then flattening on the
 * background colour when the output has no alpha, and encoding.
 *
 * @param width       target width in pixels before dpr, or 0 for "derive from height"
 * @param height      target height in pixels before dpr, or 0 for "derive from width"
 * @param fit         how the box is filled
 * @param gravity     which part a cover crop keeps
 * @param crop        explicit crop before resizing, or null
 * @param dpr         device pixel ratio multiplying width and height (1 to 4)
 * @param rotate      clockwise degrees: 0, 90, 180 or 270
 * @param flip        mirror
 * @param autoOrient  apply the EXIF orientation (default true)
 * @param grayscale   convert to gray
 * @param blur        gaussian blur sigma, 0 for none
 * @param sharpen     unsharp-mask amount, 0 for none
 * @param background  RGB colour (0xRRGGBB) that transparent pixels are flattened onto
 * @param format      output format
 * @param quality     lossy quality 1-100
 * @param progressive progressive JPEG / interlaced PNG and GIF
 * @param strip       drop metadata (default true)
 */
public record TransformOptions(
        int width,
        int height,
        Fit fit,
        Gravity gravity,
        Crop crop,
        double dpr,
        int rotate,
        Flip flip,
        boolean autoOrient,
        boolean grayscale,
        double blur,
        double sharpen,
        int background,
        OutputFormat format,
        int quality,
        boolean progressive,
        boolean strip) {

    public static final int DEFAULT_QUALITY = 85;

    /** No resize, no operation, keep the format: what {@link OptionsParser} starts from. */
    public static final TransformOptions IDENTITY = new TransformOptions(0, 0, Fit.CONTAIN, Gravity.CENTER, null, 1.0,
            0, Flip.NONE, true, false, 0, 0, 0xFFFFFF, OutputFormat.AUTO, DEFAULT_QUALITY, false, true);

    public boolean resizes() {
        return width > 0 || height > 0;
    }

    /** Width after the device pixel ratio, 0 when not set. */
    public int scaledWidth() {
        return (int) Math.round(width * dpr);
    }

    /** Height after the device pixel ratio, 0 when not set. */
    public int scaledHeight() {
        return (int) Math.round(height * dpr);
    }

    /** The canonical query string: only values that differ from {@link #IDENTITY}, in a fixed order. */
    public String toQuery() {
        return asMap().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    /** The non-default options as ordered name → value, for JSON descriptions. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        TransformOptions d = IDENTITY;
        if (width != d.width) m.put("width", Integer.toString(width));
        if (height != d.height) m.put("height", Integer.toString(height));
        if (fit != d.fit) m.put("fit", lower(fit));
        if (gravity != d.gravity) m.put("gravity", lower(gravity));
        if (crop != null) m.put("crop", crop.toQueryValue());
        if (dpr != d.dpr) m.put("dpr", number(dpr));
        if (rotate != d.rotate) m.put("rotate", Integer.toString(rotate));
        if (flip != d.flip) m.put("flip", lower(flip));
        if (autoOrient != d.autoOrient) m.put("autorotate", Boolean.toString(autoOrient));
        if (grayscale != d.grayscale) m.put("grayscale", Boolean.toString(grayscale));
        if (blur != d.blur) m.put("blur", number(blur));
        if (sharpen != d.sharpen) m.put("sharpen", number(sharpen));
        if (background != d.background) m.put("background", String.format(Locale.ROOT, "%06x", background));
        if (format != d.format) m.put("format", lower(format));
        if (quality != d.quality) m.put("quality", Integer.toString(quality));
        if (progressive != d.progressive) m.put("progressive", Boolean.toString(progressive));
        if (strip != d.strip) m.put("strip", Boolean.toString(strip));
        return m;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** Plain decimal notation: {@link Double#toString} writes 1.0E-4, which the parser rejects. */
    private static String number(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
