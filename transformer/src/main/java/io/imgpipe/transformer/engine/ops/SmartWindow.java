package io.imgpipe.transformer.engine.ops;

import java.awt.image.BufferedImage;

/**
 * Finds the window holding the most detail: the sum of luma gradient magnitudes (|dx| + |dy|), computed on a grid
 * of at most about 256 × 256 samples and summed with an integral image, so every window position costs O(1).
 * Flat sky and blurred background score low; texture, edges and faces score high.
 */
final class SmartWindow {

    private static final int GRID = 256;

    private SmartWindow() {
    }

    /** Top-left corner {x, y} of the best {@code ww} × {@code wh} window. */
    static int[] find(BufferedImage image, int ww, int wh) {
        int w = image.getWidth();
        int h = image.getHeight();
        int step = Math.max(1, Math.max(w, h) / GRID);
        int gw = Math.max(1, w / step);
        int gh = Math.max(1, h / step);
        int[] src = Pixels.data(image);
        int[] luma = new int[gw * gh];
        for (int gy = 0; gy < gh; gy++) {
            for (int gx = 0; gx < gw; gx++) {
                int c = src[gy * step * w + gx * step];
                luma[gy * gw + gx] = (299 * ((c >> 16) & 0xFF) + 587 * ((c >> 8) & 0xFF) + 114 * (c & 0xFF)) / 1000;
            }
        }
        long[] integral = new long[(gw + 1) * (gh + 1)];
        for (int gy = 0; gy < gh; gy++) {
            long rowSum = 0;
            for (int gx = 0; gx < gw; gx++) {
                int i = gy * gw + gx;
                int dx = gx + 1 < gw ? Math.abs(luma[i + 1] - luma[i]) : 0;
                int dy = gy + 1 < gh ? Math.abs(luma[i + gw] - luma[i]) : 0;
                rowSum += dx + dy;
                integral[(gy + 1) * (gw + 1) + gx + 1] = integral[gy * (gw + 1) + gx + 1] + rowSum;
            }
        }
        int cw = Math.max(1, Math.min(gw, ww / step));
        int ch = Math.max(1, Math.min(gh, wh / step));
        long best = -1;
        int bestX = 0;
        int bestY = 0;
        for (int gy = 0; gy + ch <= gh; gy++) {
            for (int gx = 0; gx + cw <= gw; gx++) {
                long sum = integral[(gy + ch) * (gw + 1) + gx + cw] - integral[gy * (gw + 1) + gx + cw]
                        - integral[(gy + ch) * (gw + 1) + gx] + integral[gy * (gw + 1) + gx];
                if (sum > best) {
                    best = sum;
                    bestX = gx;
                    bestY = gy;
                }
            }
        }
        int x = Math.min(bestX * step, w - ww);
        int y = Math.min(bestY * step, h - wh);
        return new int[] {Math.max(0, x), Math.max(0, y)};
    }
}
