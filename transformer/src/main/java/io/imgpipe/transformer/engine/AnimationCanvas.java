package io.imgpipe.transformer.engine;

import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Builds the full pictures of an animation from its frames, the way a browser shows them: GIF and WebP frames may
 * cover only part of the canvas, at an offset, drawn over (blended with) or replacing what is there, and say what
 * becomes of their area before the next frame (left as is, cleared to transparent, or restored to what was there
 * before). Transforms then see whole pictures, so every frame is resized, cropped and rotated alike.
 */
final class AnimationCanvas {

    /** What becomes of a frame's area once it has been shown. */
    enum Disposal {
        KEEP, CLEAR, RESTORE_PREVIOUS
    }

    private final BufferedImage canvas;
    private final int[] pixels;
    private int[] saved;
    private Disposal pending = Disposal.KEEP;
    private int px;
    private int py;
    private int pw;
    private int ph;

    AnimationCanvas(int width, int height) {
        this.canvas = Pixels.create(width, height, true);
        this.pixels = Pixels.data(canvas);
    }

    /**
     * Draws the next frame and returns the whole picture. The picture is this canvas itself, valid until the next
     * call: the engine transforms and encodes each picture before it composes the next.
     *
     * @param blend    draw over what is there (transparent frame pixels show it); false replaces the area
     * @param disposal what becomes of the frame's area before the next frame
     */
    BufferedImage compose(BufferedImage frame, int x, int y, boolean blend, Disposal disposal) {
        dispose();
        if (disposal == Disposal.RESTORE_PREVIOUS) {
            saved = pixels.clone();
        }
        Graphics2D g = canvas.createGraphics();
        try {
            g.setComposite(blend ? AlphaComposite.SrcOver : AlphaComposite.Src);
            g.drawImage(frame, x, y, null);
        } finally {
            g.dispose();
        }
        pending = disposal;
        px = x;
        py = y;
        pw = frame.getWidth();
        ph = frame.getHeight();
        return canvas;
    }

    private void dispose() {
        switch (pending) {
            case CLEAR -> {
                int x0 = Math.max(0, px);
                int y0 = Math.max(0, py);
                int x1 = Math.min(canvas.getWidth(), px + pw);
                int y1 = Math.min(canvas.getHeight(), py + ph);
                for (int y = y0; y < y1; y++) {
                    int row = y * canvas.getWidth();
                    Arrays.fill(pixels, row + x0, row + Math.max(x0, x1), 0);
                }
            }
            case RESTORE_PREVIOUS -> {
                if (saved != null) {
                    System.arraycopy(saved, 0, pixels, 0, pixels.length);
                }
            }
            default -> {
                // the frame stays as the backdrop of the next
            }
        }
        pending = Disposal.KEEP;
    }
}
