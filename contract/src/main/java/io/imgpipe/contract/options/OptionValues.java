package io.imgpipe.contract.options;

import java.util.HashMap;
import java.util.Map;

import static io.imgpipe.contract.options.OptionTable.AUTOROTATE;
import static io.imgpipe.contract.options.OptionTable.BACKGROUND;
import static io.imgpipe.contract.options.OptionTable.BLUR;
import static io.imgpipe.contract.options.OptionTable.CROP;
import static io.imgpipe.contract.options.OptionTable.DPR;
import static io.imgpipe.contract.options.OptionTable.FIT;
import static io.imgpipe.contract.options.OptionTable.FLIP;
import static io.imgpipe.contract.options.OptionTable.FORMAT;
import static io.imgpipe.contract.options.OptionTable.FRAMES;
import static io.imgpipe.contract.options.OptionTable.GRAVITY;
import static io.imgpipe.contract.options.OptionTable.GRAYSCALE;
import static io.imgpipe.contract.options.OptionTable.HEIGHT;
import static io.imgpipe.contract.options.OptionTable.KEEP;
import static io.imgpipe.contract.options.OptionTable.PNG_COLORS;
import static io.imgpipe.contract.options.OptionTable.PNG_DITHER;
import static io.imgpipe.contract.options.OptionTable.PROGRESSIVE;
import static io.imgpipe.contract.options.OptionTable.QUALITY;
import static io.imgpipe.contract.options.OptionTable.ROTATE;
import static io.imgpipe.contract.options.OptionTable.SHARPEN;
import static io.imgpipe.contract.options.OptionTable.STRIP;
import static io.imgpipe.contract.options.OptionTable.WATERMARK;
import static io.imgpipe.contract.options.OptionTable.WATERMARK_OPACITY;
import static io.imgpipe.contract.options.OptionTable.WATERMARK_POSITION;
import static io.imgpipe.contract.options.OptionTable.WATERMARK_SCALE;
import static io.imgpipe.contract.options.OptionTable.WIDTH;

/**
 * A mutable set of option values on the way to a {@link TransformOptions}: starts from the table's defaults or from
 * existing options, takes parameters one by one, and builds the record. {@link #toOptions()} is the one place that
 * knows the record's component order.
 */
final class OptionValues {

    private final Map<TransformOption<?>, Object> values = new HashMap<>();

    private OptionValues() {
    }

    static OptionValues defaults() {
        OptionValues v = new OptionValues();
        for (TransformOption<?> o : OptionTable.ALL) {
            v.values.put(o, o.fallback());
        }
        return v;
    }

    static OptionValues of(TransformOptions options) {
        OptionValues v = new OptionValues();
        for (TransformOption<?> o : OptionTable.ALL) {
            v.values.put(o, o.valueIn(options));
        }
        return v;
    }

    /** Parses {@code raw} with the option's grammar; a {@link BadOptionException} names the option. */
    void set(TransformOption<?> option, String raw) {
        values.put(option, option.parse(raw));
    }

    @SuppressWarnings("unchecked") // every value was put by its own option
    <T> T get(TransformOption<T> option) {
        return (T) values.get(option);
    }

    TransformOptions toOptions() {
        return new TransformOptions(get(WIDTH), get(HEIGHT), get(FIT), get(GRAVITY), get(CROP), get(DPR),
                get(ROTATE), get(FLIP), get(AUTOROTATE), get(GRAYSCALE), get(BLUR), get(SHARPEN), get(BACKGROUND),
                get(WATERMARK), get(WATERMARK_POSITION), get(WATERMARK_OPACITY), get(WATERMARK_SCALE), get(FORMAT),
                get(QUALITY), get(PROGRESSIVE), get(PNG_COLORS), get(PNG_DITHER), get(STRIP), get(KEEP), get(FRAMES));
    }
}
