package io.imgpipe.contract.options;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything a transform does, already validated: the engine's typed view of the options defined in
 * {@link OptionTable}. Built by {@link OptionsParser}; carried between services in the {@code options} header as its
 * canonical query string ({@link #toQuery()}).
 *
 * <p>The operations apply in this fixed order, whatever the order of the query parameters: EXIF auto-orientation,
 * crop, resize (width/height × dpr, fit, gravity), rotate, flip, grayscale, blur, sharpen, watermark, then flattening
 * on the background colour when the output has no alpha, and encoding.
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
 * @param watermark   name of a configured watermark to place, or null
 * @param watermarkPosition where it goes
 * @param watermarkOpacity  its opacity, 0 to 1
 * @param watermarkScale    its width as a fraction of the result's width
 * @param format      output format
 * @param quality     lossy quality 1-100
 * @param progressive progressive JPEG / interlaced PNG and GIF
 * @param pngColors   PNG output quantised to at most this many colours (2-256), or 0 for none
 * @param pngDither   dither the quantised PNG (Floyd-Steinberg)
 * @param strip       drop metadata (default true)
 * @param keep        which metadata is kept: all (with strip=false) or only the copyright
 * @param frames      which frames of an animated input to keep
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
        String watermark,
        WatermarkPosition watermarkPosition,
        double watermarkOpacity,
        double watermarkScale,
        OutputFormat format,
        int quality,
        boolean progressive,
        int pngColors,
        boolean pngDither,
        boolean strip,
        Keep keep,
        Frames frames) {

    /** No resize, no operation, keep the format: every option at its {@link OptionTable} default. */
    public static final TransformOptions IDENTITY = OptionValues.defaults().toOptions();

    /** Whether any metadata is carried into the result: {@code strip=false}, or {@code keep=copyright}. */
    public boolean keepsMetadata() {
        return !strip || keep == Keep.COPYRIGHT;
    }

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

    /** The non-default options as ordered name → canonical value ({@link OptionTable} order), for JSON descriptions. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (TransformOption<?> option : OptionTable.ALL) {
            String value = option.canonicalIn(this);
            if (value != null) {
                m.put(option.name(), value);
            }
        }
        return m;
    }
}
