package io.imgpipe.transformer.engine.ops;

/**
 * Scales images: 2×2 (or 2×1) box averaging while the image is still at least three times the target, which is
 * cheap and alias-free, then one separable Lanczos-3 pass to the exact size, whose kernel then spans at most 18
 * samples. Enlarging uses Lanczos-3 directly.
 */
final class Resampler {

    private static final double LOBES = 3.0;

    private Resampler() {
    }

    /** Box-halve while the image is at least this many times the target, leaving Lanczos a factor below it. */
    private static final int HALVE_WHILE = 3;

    /**
     * Resizes an opaque packed image. Halving and the first Lanczos pass read packed pixels directly, so the
     * large decoded image is never unpacked into float planes.
     */
    static Planes resizeOpaque(int[] pixels, int width, int height, int targetWidth, int targetHeight,
                              Deadline deadline) {
        int[] src = pixels;
        int w = width;
        int h = height;
        while (w >= HALVE_WHILE * targetWidth && h >= HALVE_WHILE * targetHeight) {
            src = halvePacked(src, w, h, deadline);
            w /= 2;
            h /= 2;
        }
        if (w >= HALVE_WHILE * targetWidth || h >= HALVE_WHILE * targetHeight || w == targetWidth) {
            Planes p = new Planes(w, h, 3);
            unpack(src, p);
            return resize(p, targetWidth, targetHeight, deadline);
        }
        Contributions k = Contributions.of(w, targetWidth);
        Planes out = new Planes(targetWidth, h, 3);
        float[] r = out.channels[0];
        float[] g = out.channels[1];
        float[] b = out.channels[2];
        for (int y = 0; y < h; y++) {
            deadline.checkRow(y);
            int row = y * w;
            int o = y * targetWidth;
            for (int x = 0; x < targetWidth; x++) {
                int[] idx = k.indices[x];
                float[] wt = k.weights[x];
                float sr = 0;
                float sg = 0;
                float sb = 0;
                for (int t = 0; t < idx.length; t++) {
                    int c = src[row + idx[t]];
                    float weight = wt[t];
                    sr += weight * ((c >> 16) & 0xFF);
                    sg += weight * ((c >> 8) & 0xFF);
                    sb += weight * (c & 0xFF);
                }
                r[o + x] = sr;
                g[o + x] = sg;
                b[o + x] = sb;
            }
        }
        return out.height == targetHeight ? out : vertical(out, targetHeight, deadline);
    }

    /** 2×2 box average of packed opaque pixels, rounded; an odd last row or column is dropped. */
    private static int[] halvePacked(int[] src, int w, int h, Deadline deadline) {
        int ow = w / 2;
        int oh = h / 2;
        int[] out = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            deadline.checkRow(y);
            int r0 = 2 * y * w;
            int r1 = r0 + w;
            int o = y * ow;
            for (int x = 0, s = 0; x < ow; x++, s += 2) {
                int a = src[r0 + s];
                int b = src[r0 + s + 1];
                int c = src[r1 + s];
                int d = src[r1 + s + 1];
                int red = ((a >> 16 & 0xFF) + (b >> 16 & 0xFF) + (c >> 16 & 0xFF) + (d >> 16 & 0xFF) + 2) >> 2;
                int green = ((a >> 8 & 0xFF) + (b >> 8 & 0xFF) + (c >> 8 & 0xFF) + (d >> 8 & 0xFF) + 2) >> 2;
                int blue = ((a & 0xFF) + (b & 0xFF) + (c & 0xFF) + (d & 0xFF) + 2) >> 2;
                out[o + x] = 0xFF000000 | red << 16 | green << 8 | blue;
            }
        }
        return out;
    }

    private static void unpack(int[] src, Planes p) {
        float[] r = p.channels[0];
        float[] g = p.channels[1];
        float[] b = p.channels[2];
        for (int i = 0; i < src.length; i++) {
            int c = src[i];
            r[i] = (c >> 16) & 0xFF;
            g[i] = (c >> 8) & 0xFF;
            b[i] = c & 0xFF;
        }
    }

    static Planes resize(Planes in, int targetWidth, int targetHeight, Deadline deadline) {
        Planes p = in;
        while (p.width >= HALVE_WHILE * targetWidth || p.height >= HALVE_WHILE * targetHeight) {
            boolean halveX = p.width >= HALVE_WHILE * targetWidth;
            boolean halveY = p.height >= HALVE_WHILE * targetHeight;
            p = halve(p, halveX, halveY, deadline);
        }
        if (p.width != targetWidth) {
            p = horizontal(p, targetWidth, deadline);
        }
        if (p.height != targetHeight) {
            p = vertical(p, targetHeight, deadline);
        }
        return p;
    }

    private static Planes halve(Planes in, boolean halveX, boolean halveY, Deadline deadline) {
        int w = halveX ? in.width / 2 : in.width;
        int h = halveY ? in.height / 2 : in.height;
        Planes out = new Planes(w, h, in.channels.length);
        int sx = halveX ? 2 : 1;
        int sy = halveY ? 2 : 1;
        for (int c = 0; c < in.channels.length; c++) {
            float[] src = in.channels[c];
            float[] dst = out.channels[c];
            for (int y = 0; y < h; y++) {
                deadline.checkRow(y);
                int r0 = (y * sy) * in.width;
                int r1 = (y * sy + sy - 1) * in.width;
                int o = y * w;
                if (sx == 2) { // r1 == r0 when only x halves: four terms still average right
                    for (int x = 0, s = 0; x < w; x++, s += 2) {
                        dst[o + x] = (src[r0 + s] + src[r0 + s + 1] + src[r1 + s] + src[r1 + s + 1])
                                * 0.25f;
                    }
                } else {
                    for (int x = 0; x < w; x++) {
                        dst[o + x] = (src[r0 + x] + src[r1 + x]) * 0.5f;
                    }
                }
            }
        }
        return out;
    }

    private static Planes horizontal(Planes in, int targetWidth, Deadline deadline) {
        Contributions k = Contributions.of(in.width, targetWidth);
        Planes out = new Planes(targetWidth, in.height, in.channels.length);
        for (int c = 0; c < in.channels.length; c++) {
            float[] src = in.channels[c];
            float[] dst = out.channels[c];
            for (int y = 0; y < in.height; y++) {
                deadline.checkRow(y);
                int row = y * in.width;
                int o = y * targetWidth;
                for (int x = 0; x < targetWidth; x++) {
                    int[] idx = k.indices[x];
                    float[] wt = k.weights[x];
                    float sum = 0;
                    for (int t = 0; t < idx.length; t++) {
                        sum += wt[t] * src[row + idx[t]];
                    }
                    dst[o + x] = sum;
                }
            }
        }
        return out;
    }

    private static Planes vertical(Planes in, int targetHeight, Deadline deadline) {
        Contributions k = Contributions.of(in.height, targetHeight);
        int w = in.width;
        Planes out = new Planes(w, targetHeight, in.channels.length);
        for (int c = 0; c < in.channels.length; c++) {
            float[] src = in.channels[c];
            float[] dst = out.channels[c];
            for (int y = 0; y < targetHeight; y++) {
                deadline.checkRow(y);
                int o = y * w;
                int[] idx = k.indices[y];
                float[] wt = k.weights[y];
                for (int t = 0; t < idx.length; t++) {
                    int row = idx[t] * w;
                    float weight = wt[t];
                    for (int x = 0; x < w; x++) {
                        dst[o + x] += weight * src[row + x];
                    }
                }
            }
        }
        return out;
    }

    /** For each output sample, the input samples it reads and their normalised Lanczos-3 weights. */
    private record Contributions(int[][] indices, float[][] weights) {

        static Contributions of(int inSize, int outSize) {
            double scale = (double) outSize / inSize;
            double stretch = scale < 1 ? 1 / scale : 1;
            double support = LOBES * stretch;
            int[][] indices = new int[outSize][];
            float[][] weights = new float[outSize][];
            for (int i = 0; i < outSize; i++) {
                double centre = (i + 0.5) / scale - 0.5;
                int first = (int) Math.floor(centre - support) + 1;
                int last = (int) Math.ceil(centre + support) - 1;
                int n = last - first + 1;
                int[] idx = new int[n];
                float[] wt = new float[n];
                double total = 0;
                for (int t = 0; t < n; t++) {
                    int j = first + t;
                    double w = lanczos((j - centre) / stretch);
                    idx[t] = Math.min(Math.max(j, 0), inSize - 1);
                    wt[t] = (float) w;
                    total += w;
                }
                for (int t = 0; t < n; t++) {
                    wt[t] = (float) (wt[t] / total);
                }
                indices[i] = idx;
                weights[i] = wt;
            }
            return new Contributions(indices, weights);
        }

        private static double lanczos(double x) {
            if (x == 0) {
                return 1;
            }
            if (x <= -LOBES || x >= LOBES) {
                return 0;
            }
            double px = Math.PI * x;
            return LOBES * Math.sin(px) * Math.sin(px / LOBES) / (px * px);
        }
    }
}
