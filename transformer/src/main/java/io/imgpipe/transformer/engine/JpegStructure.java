package io.imgpipe.transformer.engine;

/**
 * Facts read from a JPEG's marker segments without decoding: whether it needs TwelveMonkeys' colour handling
 * (CMYK, YCCK, Adobe transforms; plain YCbCr and gray JPEGs are read fastest by the JDK's own decoder), and whether
 * it is complete.
 */
final class JpegStructure {

    private JpegStructure() {
    }

    static boolean needsColourConversion(byte[] d) {
        return needsColourConversion(JpegSegments.read(d), d);
    }

    static boolean needsColourConversion(JpegSegments jpeg, byte[] d) {
        if (jpeg.malformed()) {
            return true; // let the more forgiving decoder judge
        }
        if (jpeg.first(JpegSegments.APP14) != null) { // "Adobe": RGB, CMYK or YCCK transform
            return true;
        }
        int components = jpeg.components(d);
        return components != -1 && components != 1 && components != 3;
    }

    /**
     * Whether an end-of-image marker follows the first scan. Entropy-coded data cannot contain FF D9 (a data FF is
     * stuffed as FF 00), so one found after the first scan starts is the real end; an EXIF thumbnail's EOI comes
     * before. The decoders fill a cut-off file with grey, and for progressive files do not even warn.
     */
    static boolean isComplete(byte[] d) {
        return isComplete(JpegSegments.read(d), d);
    }

    static boolean isComplete(JpegSegments jpeg, byte[] d) {
        int firstScan = jpeg.firstScan();
        if (firstScan < 0) {
            return false;
        }
        for (int i = d.length - 2; i > firstScan; i--) {
            if ((d[i] & 0xFF) == 0xFF && (d[i + 1] & 0xFF) == JpegSegments.EOI) {
                return true;
            }
        }
        return false;
    }
}
