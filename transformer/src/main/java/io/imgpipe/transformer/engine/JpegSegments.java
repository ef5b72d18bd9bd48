package io.imgpipe.transformer.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of a JPEG's marker segments: everything before the first scan, walked once, without decoding.
 * Orientation (APP1 Exif), the colour profile (APP2), the colour transform (APP14 Adobe), the frame's size and
 * components (SOF) and where the entropy-coded data starts are all read from it.
 *
 * @param segments  the segments before the first scan, in file order
 * @param firstScan offset of the first SOS marker, or -1 when there is none before the data ends
 * @param malformed whether a byte that is no marker was met where a marker must be
 */
record JpegSegments(List<Segment> segments, int firstScan, boolean malformed) {

    static final int SOS = 0xDA;
    static final int EOI = 0xD9;
    static final int APP1 = 0xE1;
    static final int APP2 = 0xE2;
    static final int APP13 = 0xED;
    static final int APP14 = 0xEE;

    /**
     * One marker segment.
     *
     * @param marker the byte after 0xFF
     * @param start  offset of the 0xFF
     * @param length the stored length, which counts its own two bytes
     */
    record Segment(int marker, int start, int length) {

        /** Offset of the first byte after the length field. */
        int payload() {
            return start + 4;
        }

        int payloadLength() {
            return length - 2;
        }

        /** Whether the payload starts with {@code signature} (e.g. "Exif\0\0", "ICC_PROFILE\0") within the data. */
        boolean startsWith(byte[] data, String signature) {
            int n = signature.length();
            return payloadLength() >= n && payload() + n <= data.length
                    && new String(data, payload(), n, StandardCharsets.ISO_8859_1).equals(signature);
        }

        /** Start of frame: baseline, extended, progressive or lossless (not DHT, JPG or DAC, which share the range). */
        boolean isStartOfFrame() {
            return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        }
    }

    /** Walks the segments after SOI up to the first scan, the end of image or the end of the data. */
    static JpegSegments read(byte[] d) {
        List<Segment> segments = new ArrayList<>();
        int i = 2;
        while (i + 4 <= d.length) {
            if ((d[i] & 0xFF) != 0xFF) {
                return new JpegSegments(segments, -1, true);
            }
            int marker = d[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == SOS) {
                return new JpegSegments(segments, i, false);
            }
            if (marker == EOI) {
                break;
            }
            int length = (d[i + 2] & 0xFF) << 8 | d[i + 3] & 0xFF;
            segments.add(new Segment(marker, i, length));
            i += 2 + length;
        }
        return new JpegSegments(segments, -1, false);
    }

    /** The first segment with this marker, or null. */
    Segment first(int marker) {
        for (Segment s : segments) {
            if (s.marker() == marker) {
                return s;
            }
        }
        return null;
    }

    /** The start-of-frame segment, or null. */
    Segment frame() {
        for (Segment s : segments) {
            if (s.isStartOfFrame()) {
                return s;
            }
        }
        return null;
    }

    /** Components the frame declares (1 gray, 3 YCbCr or RGB, 4 CMYK or YCCK), or -1 when it cannot be read. */
    int components(byte[] d) {
        Segment sof = frame();
        return sof == null || sof.start() + 9 >= d.length ? -1 : d[sof.start() + 9] & 0xFF;
    }

    /** The frame's width and height as {w, h}, or null when there is no complete frame header. */
    int[] size(byte[] d) {
        Segment sof = frame();
        if (sof == null || sof.start() + 9 > d.length || sof.payloadLength() < 6) {
            return null;
        }
        int p = sof.payload(); // precision, then height and width, big-endian
        return new int[] {(d[p + 3] & 0xFF) << 8 | d[p + 4] & 0xFF, (d[p + 1] & 0xFF) << 8 | d[p + 2] & 0xFF};
    }
}
