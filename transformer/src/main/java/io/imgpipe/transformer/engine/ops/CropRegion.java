package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/** Keeps a rectangle of the image; the rectangle must lie inside it. */
public final class CropRegion implements ImageOperation {

    private final int x;
    private final int y;
    private final int width;
    private final int height;

    public CropRegion(int x, int y, int width, int height) {
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("crop " + x + "," + y + "," + width + "," + height + " is empty");
        }
        this.x = x;
        this.y = y;
        this.width = width;
        this.height = height;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        if (x + width > image.getWidth() || y + height > image.getHeight()) {
            throw new IllegalArgumentException("crop " + x + "," + y + "," + width + "," + height
                    + " exceeds the " + image.getWidth() + "x" + image.getHeight() + " image");
        }
        if (x == 0 && y == 0 && width == image.getWidth() && height == image.getHeight()) {
            return image;
        }
        BufferedImage out = Pixels.createLike(image, width, height);
        int[] src = Pixels.data(image);
        int[] dst = Pixels.data(out);
        int stride = image.getWidth();
        for (int row = 0; row < height; row++) {
            System.arraycopy(src, (y + row) * stride + x, dst, row * width, width);
        }
        return out;
    }
}
