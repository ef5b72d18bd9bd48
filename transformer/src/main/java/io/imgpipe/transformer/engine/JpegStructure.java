package io.imgpipe.transformer.engine;

/**
 * Facts read from a JPEG's marker segments without decoding: whether it needs TwelveMonkeys' colour handling
 * (CMYK, YCCK, Adobe transforms; plain YCbCr and gray JPEGs are read fastest by the JDK's own decoder), and whether
 * it is complete.
 */
final class JpegStructure {

    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;

    private JpegStructure() {
    }

    static boolean needsColourConversion(byte[] d) {
        int i = 2;
        while (i + 4 <= d.length) {
            if ((d[i] & 0xFF) != 0xFF) {
                return true; // malformed: let the more forgiving decoder judge
            }
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == SOS || marker == EOI) {
                return false;
            }
            if (marker == 0xEE) { // APP14 "Adobe": RGB, CMYK or YCCK transform
                return true;
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame && i + 9 < d.length) {
                int components = d[i + 9] & 0xFF;
                if (components != 1 && components != 3) {
                    return true;
                }
            }
            i += 2 + ((d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF);
        }
        return false;
    }

    /**
     * Whether an end-of-image marker follows the first scan. Entropy-coded data cannot contain FF D9 (a data FF is
     * stuffed as FF 00), so one found after the first scan starts is the real end; an EXIF thumbnail's EOI comes
     * before. The decoders fill a cut-off file with grey, and for progressive files do not even warn.
     */
    static boolean isComplete(byte[] d) {
        int firstScan = firstScan(d);
        if (firstScan < 0) {
            return false;
        }
        for (int i = d.length - 2; i > firstScan; i--) {
            if ((d[i] & 0xFF) == 0xFF && (d[i + 1] & 0xFF) == EOI) {
                return true;
            }
        }
        return false;
    }

    private static int firstScan(byte[] d) {
        int i = 2;
        while (i + 4 <= d.length) {
            if ((d[i] & 0xFF) != 0xFF) {
                return -1;
            }
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == SOS) {
                return i;
            }
            i += 2 + ((d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF);
        }
        return -1;
    }
}
