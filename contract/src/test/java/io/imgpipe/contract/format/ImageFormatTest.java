package io.imgpipe.contract.format;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ImageFormatTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[Math.max(b.length, 32)];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] ascii(String s) {
        byte[] head = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[Math.max(32, head.length)];
        System.arraycopy(head, 0, out, 0, head.length);
        return out;
    }

    @Test
    void givenEachFormatsMagicBytes_whenSniffed_thenItIsRecognised() {
        assertThat(ImageFormat.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(ascii("GIF87a"))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(ascii("GIF89a"))).contains(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(ascii("BM"))).contains(ImageFormat.BMP);
        assertThat(ImageFormat.sniff(bytes('I', 'I', 42, 0))).contains(ImageFormat.TIFF);
        assertThat(ImageFormat.sniff(bytes('M', 'M', 0, 42))).contains(ImageFormat.TIFF);
        assertThat(ImageFormat.sniff(ascii("RIFF\0\0\0\0WEBPVP8 "))).contains(ImageFormat.WEBP);
    }

    @Test
    void givenSvgOrOtherText_whenSniffed_thenNothingIsRecognised() {
        assertThat(ImageFormat.sniff(ascii("<svg xmlns=\"http://www.w3.org/2000/svg\">"))).isEmpty();
        assertThat(ImageFormat.sniff(ascii("<?xml version=\"1.0\"?>"))).isEmpty();
        assertThat(ImageFormat.sniff(ascii("RIFF\0\0\0\0WAVEfmt "))).isEmpty();
        assertThat(ImageFormat.sniff(ascii("GIF88a"))).isEmpty();
    }

    @Test
    void givenTooFewBytes_whenSniffed_thenNothingIsRecognisedAndNothingThrows() {
        assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
        assertThat(ImageFormat.sniff(null)).isEmpty();
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8})).isEmpty();
        assertThat(ImageFormat.sniff(new byte[] {'B', 'M', 0, 0})).isEmpty();
        assertThat(ImageFormat.sniff("GIF89".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
    }

    @Test
    void givenAKeyOrFileExtension_whenLookedUp_thenTheFormatIsFound() {
        assertThat(ImageFormat.fromKey("jpg")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.fromKey(" JPEG ")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.fromKey("tif")).contains(ImageFormat.TIFF);
        assertThat(ImageFormat.fromKey("webp")).contains(ImageFormat.WEBP);
        assertThat(ImageFormat.fromKey("svg")).isEmpty();
        assertThat(ImageFormat.fromKey(null)).isEmpty();
    }

    @Test
    void givenAFormat_whenDescribed_thenItsMediaTypeAndExtensionMatch() {
        assertThat(ImageFormat.JPEG.mediaType()).isEqualTo("image/jpeg");
        assertThat(ImageFormat.JPEG.extension()).isEqualTo("jpg");
        assertThat(ImageFormat.WEBP.key()).isEqualTo("webp");
    }
}
