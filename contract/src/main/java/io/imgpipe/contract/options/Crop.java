package io.imgpipe.contract.options;

/** An explicit crop rectangle in source pixels (after auto-orientation). */
public record Crop(int x, int y, int width, int height) {

    public String toQueryValue() {
        return x + "," + y + "," + width + "," + height;
    }
}
