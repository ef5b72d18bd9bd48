package io.imgpipe.transformer.engine.ops;

import io.imgpipe.contract.options.WatermarkPosition;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Places a logo on the image: scaled to a fraction of the image's width (its aspect ratio kept), at a compass point
 * with a margin of 2% of the shorter side, in the centre, or tiled over the whole image, drawn over the pixels at
 * the requested opacity times its own alpha.
 */
public final class Watermark implements ImageOperation {

    private static final double MARGIN = 0.02;

    private final BufferedImage logo;
    private final WatermarkPosition position;
    private final float opacity;
    private final double scale;

    /** @param logo an ARGB {@link Pixels} image */
    public Watermark(BufferedImage logo, WatermarkPosition position, double opacity, double scale) {
        this.logo = logo;
        this.position = position;
        this.opacity = (float) opacity;
        this.scale = scale;
    }

    @Override
    public BufferedImage apply(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int lw = (int) Math.max(1, Math.min(w, Math.round(w * scale)));
        int lh = (int) Math.max(1, Math.min(h, Math.round((double) lw * logo.getHeight() / logo.getWidth())));
        BufferedImage mark = new Resize(lw, lh).apply(logo);
        BufferedImage out = Pixels.createLike(image, w, h);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, opacity));
            if (position == WatermarkPosition.TILE) {
                int stepX = lw + lw / 2;
                int stepY = lh + lh / 2;
                for (int y = 0; y < h; y += stepY) {
                    for (int x = 0; x < w; x += stepX) {
                        g.drawImage(mark, x, y, null);
                    }
                }
            } else {
                int margin = (int) Math.round(Math.min(w, h) * MARGIN);
                int x = switch (position) {
                    case W, NW, SW -> margin;
                    case E, NE, SE -> w - lw - margin;
                    default -> (w - lw) / 2;
                };
                int y = switch (position) {
                    case N, NE, NW -> margin;
                    case S, SE, SW -> h - lh - margin;
                    default -> (h - lh) / 2;
                };
                g.drawImage(mark, Math.max(0, x), Math.max(0, y), null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }
}
