package io.imgpipe.transformer.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Java walk of an ISO-BMFF file that runs before libheif sees it (issue 14). */
class IsoBoxesTest {

    private static byte[] box(String type, byte[]... children) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : children) {
            body.writeBytes(c);
        }
        return ByteBuffer.allocate(8 + body.size()).putInt(8 + body.size())
                .put(type.getBytes(StandardCharsets.ISO_8859_1)).put(body.toByteArray()).array();
    }

    private static byte[] fullBox(String type, byte[]... children) {
        byte[][] withVersion = new byte[children.length + 1][];
        withVersion[0] = new byte[4];
        System.arraycopy(children, 0, withVersion, 1, children.length);
        return box(type, withVersion);
    }

    private static byte[] ispe(int width, int height) {
        return fullBox("ispe", ByteBuffer.allocate(8).putInt(width).putInt(height).array());
    }

    private static byte[] file(byte[]... boxes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(box("ftyp", "heic\0\0\0\0mif1heic".getBytes(StandardCharsets.ISO_8859_1)));
        for (byte[] b : boxes) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static byte[] meta(byte[]... properties) {
        return fullBox("meta", box("hdlr", new byte[24]), box("iprp", box("ipco", properties)));
    }

    @Test
    void givenAWellFormedFile_whenWalked_thenTheLargestExtentIsThePrimaryImagesSize() throws Exception {
        byte[] file = file(meta(ispe(512, 512), ispe(4032, 3024), ispe(320, 240)), box("mdat", new byte[100]));

        assertThat(IsoBoxes.largestExtent(file, "heif")).containsExactly(4032, 3024);
    }

    @Test
    void givenAnExtentAbove2To31_whenWalked_thenItIsReadUnsignedNotNegative() throws Exception {
        byte[] file = file(meta(ispe(0x80000000, 2)));

        assertThat(IsoBoxes.largestExtent(file, "heif")).containsExactly(0x80000000L, 2);
    }

    @Test
    void givenALastBoxOfSizeZero_whenWalked_thenItRunsToTheEndOfTheFile() throws Exception {
        byte[] mdat = box("mdat", new byte[50]);
        ByteBuffer.wrap(mdat).putInt(0, 0);

        assertThat(IsoBoxes.largestExtent(file(meta(ispe(10, 20)), mdat), "heif")).containsExactly(10, 20);
    }

    @Test
    void givenA64BitBoxSize_whenWalked_thenItIsHonoured() throws Exception {
        byte[] mdat = ByteBuffer.allocate(16 + 10).putInt(1).put("mdat".getBytes(StandardCharsets.ISO_8859_1))
                .putLong(26).array();

        assertThat(IsoBoxes.largestExtent(file(meta(ispe(10, 20)), mdat), "heif")).containsExactly(10, 20);
    }

    @Test
    void givenBrokenStructures_whenWalked_thenEachIsCorruptWithAReason() {
        byte[] cut = file(meta(ispe(10, 20)), box("mdat", new byte[100]));
        byte[] truncated = Arrays.copyOf(cut, cut.length - 10);
        byte[] tiny = file(meta(ispe(10, 20)), ByteBuffer.allocate(8).putInt(4).put("free".getBytes(
                StandardCharsets.ISO_8859_1)).array());

        assertThat(reason(truncated)).contains("truncated").contains("'mdat'");
        assertThat(reason(tiny)).contains("'free' box declares 4 bytes");
        assertThat(reason(file(box("mdat", new byte[10])))).contains("no 'meta' box");
        assertThat(reason(file(fullBox("meta", box("hdlr", new byte[24]))))).contains("no item properties");
        assertThat(reason(file(meta(box("pixi", new byte[4]))))).contains("no image size");
    }

    @Test
    void givenASequenceWithoutAStillImage_whenWalked_thenItIsAnUnsupportedFormatNotACorruptOne() {
        byte[] sequence = file(box("moov", box("mvhd", new byte[100])), box("mdat", new byte[10]));

        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> IsoBoxes.largestExtent(sequence, "avif"));

        assertThat(e.reason()).isEqualTo("unsupported_format");
        assertThat(e.getMessage()).contains("image sequence without a still image");
    }

    private static String reason(byte[] file) {
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> IsoBoxes.largestExtent(file, "heif"));
        assertThat(e.reason()).isEqualTo("corrupt_image");
        return e.getMessage();
    }
}
