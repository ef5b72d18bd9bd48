package io.imgpipe.transformer.engine;

import io.imgpipe.transformer.engine.ops.Pixels;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces an image to at most N colours (alpha included) by median cut: a histogram of 5-bit-per-channel RGB and
 * 3-bit alpha cells is split, box by box, at the weighted median of its widest channel until there are N boxes; each
 * palette colour is the mean of the pixels its box holds. Pixels then take the nearest palette colour, with
 * Floyd–Steinberg error diffusion when asked. Memory is fixed (a 2^18-cell histogram), time linear in the pixels.
 */
final class MedianCut {

    private static final int CELLS = 1 << 18;

    private MedianCut() {
    }

    static BufferedImage quantise(BufferedImage image, int colours, boolean dither) {
        int[] px = Pixels.data(image);
        boolean alpha = Pixels.hasAlpha(image);
        int[] count = new int[CELLS];
        long[][] sum = new long[4][CELLS];
        for (int p : px) {
            int argb = alpha ? p : p | 0xFF000000;
            int c = cell(argb);
            count[c]++;
            sum[0][c] += argb >>> 24;
            sum[1][c] += argb >> 16 & 0xFF;
            sum[2][c] += argb >> 8 & 0xFF;
            sum[3][c] += argb & 0xFF;
        }
        int used = 0;
        for (int n : count) {
            used += n > 0 ? 1 : 0;
        }
        int[] cells = new int[used];
        for (int c = 0, i = 0; c < CELLS; c++) {
            if (count[c] > 0) {
                cells[i++] = c;
            }
        }
        List<int[]> boxes = split(cells, count, colours);
        int n = boxes.size();
        byte[][] pal = new byte[4][n];
        int[] palette = new int[n];
        for (int i = 0; i < n; i++) {
            long total = 0;
            long[] s = new long[4];
            for (int c : boxes.get(i)) {
                total += count[c];
                for (int k = 0; k < 4; k++) {
                    s[k] += sum[k][c];
                }
            }
            int argb = 0;
            for (int k = 0; k < 4; k++) {
                int v = (int) Math.round((double) s[k] / total);
                pal[k][i] = (byte) v;
                argb = argb << 8 | v;
            }
            palette[i] = argb;
        }
        IndexColorModel model = new IndexColorModel(8, n, pal[1], pal[2], pal[3], pal[0]);
        return map(image, px, alpha, palette, Palette.indexedImage(image.getWidth(), image.getHeight(), model), dither);
    }

    /** Splits the cells into at most {@code colours} boxes, always the box with the most pixels times its range. */
    private static List<int[]> split(int[] cells, int[] count, int colours) {
        List<int[]> boxes = new ArrayList<>();
        List<long[]> scores = new ArrayList<>(); // per box: pixels × range of its widest channel, that channel
        boxes.add(cells);
        scores.add(score(cells, count));
        while (boxes.size() < colours) {
            int best = -1;
            for (int i = 0; i < boxes.size(); i++) {
                if (scores.get(i)[0] > 0 && (best < 0 || scores.get(i)[0] > scores.get(best)[0])) {
                    best = i;
                }
            }
            if (best < 0) {
                break; // every box is a single colour cell
            }
            int k = (int) scores.get(best)[1];
            int[] sorted = Arrays.stream(boxes.get(best)).boxed().sorted((a, b) -> channel(a, k) - channel(b, k))
                    .mapToInt(Integer::intValue).toArray();
            long total = 0;
            for (int c : sorted) {
                total += count[c];
            }
            long half = 0;
            int cut = 1;
            for (int i = 0; i < sorted.length - 1; i++) {
                half += count[sorted[i]];
                cut = i + 1;
                if (half * 2 >= total) {
                    break;
                }
            }
            int[] low = Arrays.copyOfRange(sorted, 0, cut);
            int[] high = Arrays.copyOfRange(sorted, cut, sorted.length);
            boxes.set(best, low);
            scores.set(best, score(low, count));
            boxes.add(high);
            scores.add(score(high, count));
        }
        return boxes;
    }

    private static long[] score(int[] box, int[] count) {
        if (box.length < 2) {
            return new long[] {0, 0};
        }
        long pixels = 0;
        int[] min = {255, 255, 255, 255};
        int[] max = {0, 0, 0, 0};
        for (int c : box) {
            pixels += count[c];
            for (int k = 0; k < 4; k++) {
                int v = channel(c, k);
                min[k] = Math.min(min[k], v);
                max[k] = Math.max(max[k], v);
            }
        }
        int widest = 0;
        for (int k = 1; k < 4; k++) {
            if (max[k] - min[k] > max[widest] - min[widest]) {
                widest = k;
            }
        }
        return new long[] {pixels * (max[widest] - min[widest]), widest};
    }

    private static BufferedImage map(BufferedImage image, int[] px, boolean alpha, int[] palette, BufferedImage out,
                                     boolean dither) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] nearest = new int[CELLS];
        Arrays.fill(nearest, -1);
        WritableRaster raster = out.getRaster();
        int[] row = new int[w];
        // error carried to this row and the next, per channel (a, r, g, b), with a pixel of margin each side
        float[][] err = new float[4][w + 2];
        float[][] next = new float[4][w + 2];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = alpha ? px[y * w + x] : px[y * w + x] | 0xFF000000;
                int[] v = {argb >>> 24, argb >> 16 & 0xFF, argb >> 8 & 0xFF, argb & 0xFF};
                if (dither) {
                    for (int k = 0; k < 4; k++) {
                        v[k] = Math.max(0, Math.min(255, Math.round(v[k] + err[k][x + 1])));
                    }
                }
                int c = cell(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]);
                if (nearest[c] < 0) {
                    nearest[c] = closest(palette, v);
                }
                int i = nearest[c];
                row[x] = i;
                if (dither) {
                    int p = palette[i];
                    int[] q = {p >>> 24, p >> 16 & 0xFF, p >> 8 & 0xFF, p & 0xFF};
                    for (int k = 0; k < 4; k++) {
                        float e = v[k] - q[k];
                        err[k][x + 2] += e * 7 / 16;
                        next[k][x] += e * 3 / 16;
                        next[k][x + 1] += e * 5 / 16;
                        next[k][x + 2] += e / 16;
                    }
                }
            }
            raster.setPixels(0, y, w, 1, row);
            float[][] t = err;
            err = next;
            next = t;
            for (float[] e : next) {
                Arrays.fill(e, 0);
            }
        }
        return out;
    }

    private static int closest(int[] palette, int[] v) {
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            int p = palette[i];
            long da = (p >>> 24) - v[0];
            long dr = (p >> 16 & 0xFF) - v[1];
            long dg = (p >> 8 & 0xFF) - v[2];
            long db = (p & 0xFF) - v[3];
            long d = 2 * da * da + 3 * dr * dr + 4 * dg * dg + 2 * db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    /** The histogram cell: 3 bits of alpha, 5 of each of red, green and blue. */
    private static int cell(int argb) {
        return (argb >>> 29) << 15 | (argb >> 19 & 0x1F) << 10 | (argb >> 11 & 0x1F) << 5 | (argb >> 3 & 0x1F);
    }

    /** A cell's channel k (0 alpha, 1 red, 2 green, 3 blue) on a 0-255 scale. */
    private static int channel(int cell, int k) {
        return switch (k) {
            case 0 -> (cell >> 15) << 5;
            case 1 -> (cell >> 10 & 0x1F) << 3;
            case 2 -> (cell >> 5 & 0x1F) << 3;
            default -> (cell & 0x1F) << 3;
        };
    }
}
