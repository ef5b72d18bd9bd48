package io.imgpipe.transformer.engine;

import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ICC profile for a HEIF/AVIF nclx colour description (ISO/IEC 23091-2 code points) whose primaries are not
 * sRGB's, so that the engine converts it to sRGB like an embedded profile. libheif turns YCbCr into RGB with the
 * nclx matrix, but leaves the samples in the file's primaries: a Display P3 AVIF would otherwise look dull and a
 * BT.2020 one washed out. Built once per code-point pair as a small ICC v2 matrix/TRC display profile: the primaries
 * and white adapted to D50 with the Bradford transform, and the transfer curve as a table.
 *
 * <p>Primaries 1 (BT.709, sRGB's) and 2 (unspecified) need nothing; HDR transfers (PQ, HLG) and unknown code points
 * are left as they are (null: read as sRGB, as a browser without colour management would).
 */
final class NclxProfiles {

    static final int PRIMARIES_BT2020 = 9;
    static final int PRIMARIES_DCI_P3 = 11;
    static final int PRIMARIES_DISPLAY_P3 = 12;
    static final int TRANSFER_LINEAR = 8;
    static final int TRANSFER_SRGB = 13;

    private static final double[] D65 = {0.3127, 0.3290};
    private static final double[] DCI_WHITE = {0.314, 0.351};
    private static final double[] D50_XYZ = {0.9642, 1.0, 0.8249};
    private static final double[][] BRADFORD = {
        {0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}};
    private static final int CURVE_POINTS = 1024;
    private static final Map<Long, ICC_Profile> CACHE = new ConcurrentHashMap<>();

    private NclxProfiles() {
    }

    /** The profile for primaries {@code primaries} and transfer {@code transfer}, or null when none is needed. */
    static ICC_Profile forCodePoints(int primaries, int transfer) {
        double[][] xy = switch (primaries) {
            case PRIMARIES_BT2020 -> new double[][] {{0.708, 0.292}, {0.170, 0.797}, {0.131, 0.046}, D65};
            case PRIMARIES_DCI_P3 -> new double[][] {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}, DCI_WHITE};
            case PRIMARIES_DISPLAY_P3 -> new double[][] {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}, D65};
            default -> null;
        };
        boolean linear = transfer == TRANSFER_LINEAR;
        // BT.709/601/2020 camera curves are displayed as sRGB's by every browser; PQ and HLG are not SDR at all
        boolean srgbLike = transfer == 1 || transfer == 2 || transfer == 6 || transfer == TRANSFER_SRGB
                || transfer == 14 || transfer == 15;
        if (xy == null || !(linear || srgbLike)) {
            return null;
        }
        long key = (long) primaries << 32 | (linear ? 1 : 0);
        return CACHE.computeIfAbsent(key, k -> ICC_Profile.getInstance(
                // the description must not say "sRGB": IccProfiles.isSrgb would take it for sRGB and skip it
                profile(xy, linear, "imgpipe nclx primaries " + primaries + (linear ? ", linear" : ", gamma"))));
    }

    private static byte[] profile(double[][] xy, boolean linear, String description) {
        double[][] colorants = adaptedColorants(xy);
        Tags tags = new Tags();
        tags.add("desc", desc(description));
        tags.add("wtpt", xyz(D50_XYZ));
        tags.add("rXYZ", xyz(column(colorants, 0)));
        tags.add("gXYZ", xyz(column(colorants, 1)));
        tags.add("bXYZ", xyz(column(colorants, 2)));
        byte[] curve = curve(linear);
        tags.add("rTRC", curve);
        tags.add("gTRC", curve);
        tags.add("bTRC", curve);
        return tags.profile();
    }

    /** RGB-to-XYZ of the primaries under their white, Bradford-adapted to D50; columns are R, G, B. */
    private static double[][] adaptedColorants(double[][] xy) {
        double[][] p = new double[3][3];
        for (int c = 0; c < 3; c++) {
            double x = xy[c][0];
            double y = xy[c][1];
            p[0][c] = x / y;
            p[1][c] = 1;
            p[2][c] = (1 - x - y) / y;
        }
        double[] white = {xy[3][0] / xy[3][1], 1, (1 - xy[3][0] - xy[3][1]) / xy[3][1]};
        double[] s = multiply(invert(p), white);
        double[][] m = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[r][c] = p[r][c] * s[c];
            }
        }
        double[] source = multiply(BRADFORD, white);
        double[] target = multiply(BRADFORD, D50_XYZ);
        double[][] scale = {{target[0] / source[0], 0, 0}, {0, target[1] / source[1], 0}, {0, 0, target[2] / source[2]}};
        double[][] adapt = multiply(invert(BRADFORD), multiply(scale, BRADFORD));
        return multiply(adapt, m);
    }

    private static byte[] curve(boolean linear) {
        if (linear) {
            return ByteBuffer.allocate(14).put(ascii("curv")).putInt(0).putInt(1).putShort((short) 0x0100).array();
        }
        ByteBuffer b = ByteBuffer.allocate(12 + 2 * CURVE_POINTS).put(ascii("curv")).putInt(0).putInt(CURVE_POINTS);
        for (int i = 0; i < CURVE_POINTS; i++) {
            double v = i / (double) (CURVE_POINTS - 1);
            double lin = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            b.putShort((short) Math.round(lin * 65535));
        }
        return b.array();
    }

    private static byte[] desc(String text) {
        byte[] ascii = (text + "\0").getBytes(StandardCharsets.US_ASCII);
        // textDescriptionType: ASCII part, an empty Unicode part, an empty ScriptCode part (67 bytes)
        return ByteBuffer.allocate(12 + ascii.length + 8 + 3 + 67).put(ascii("desc")).putInt(0)
                .putInt(ascii.length).put(ascii).array();
    }

    private static byte[] xyz(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(20).put(ascii("XYZ ")).putInt(0);
        for (double d : v) {
            b.putInt((int) Math.round(d * 65536));
        }
        return b.array();
    }

    /** The tag table and data of a profile, with the 128-byte header written last (it holds the size). */
    private static final class Tags {
        private record Tag(String signature, byte[] body) {
        }

        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private final List<Tag> entries = new ArrayList<>();

        void add(String signature, byte[] body) {
            entries.add(new Tag(signature, body));
        }

        byte[] profile() {
            int tableBytes = 4 + 12 * entries.size();
            int offset = 128 + tableBytes;
            ByteBuffer table = ByteBuffer.allocate(tableBytes).putInt(entries.size());
            Map<byte[], Integer> written = new IdentityHashMap<>();
            for (Tag e : entries) {
                byte[] body = e.body();
                Integer at = written.get(body);
                if (at == null) { // the three TRC tags share one curve
                    at = offset + data.size();
                    written.put(body, at);
                    data.writeBytes(body);
                    while (data.size() % 4 != 0) {
                        data.write(0);
                    }
                }
                table.put(ascii(e.signature())).putInt(at).putInt(body.length);
            }
            int size = offset + data.size();
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putInt(size).putInt(0).putInt(0x02100000).put(ascii("mntr")).put(ascii("RGB ")).put(ascii("XYZ "));
            out.putShort((short) 2026).putShort((short) 1).putShort((short) 1); // date; the time stays 0
            out.position(36);
            out.put(ascii("acsp"));
            out.position(68); // rendering intent (64) perceptual; then the PCS illuminant
            for (double d : D50_XYZ) {
                out.putInt((int) Math.round(d * 65536));
            }
            out.position(128);
            out.put(table.array()).put(data.toByteArray());
            return out.array();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static double[] column(double[][] m, int c) {
        return new double[] {m[0][c], m[1][c], m[2][c]};
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[3];
        for (int r = 0; r < 3; r++) {
            out[r] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
        }
        return out;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
            }
        }
        return out;
    }

    private static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] out = new double[3][3];
        out[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
        out[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
        out[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
        out[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
        out[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
        out[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
        out[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
        out[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
        out[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
        return out;
    }
}
