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

    /** An ftyp box: size, "ftyp", major brand, minor version 0, compatible brands. */
    private static byte[] ftyp(String major, String... compatible) {
        StringBuilder b = new StringBuilder("ftyp").append(major).append("\0\0\0\0");
        for (String c : compatible) {
            b.append(c);
        }
        byte[] body = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[4 + body.length + 8];
        int size = 4 + body.length;
        out[0] = (byte) (size >>> 24);
        out[1] = (byte) (size >>> 16);
        out[2] = (byte) (size >>> 8);
        out[3] = (byte) size;
        System.arraycopy(body, 0, out, 4, body.length);
        System.arraycopy("\0\0\0\bfree".getBytes(StandardCharsets.ISO_8859_1), 0, out, size, 8);
        return out;
    }

    @Test
    void givenAnFtypBoxWithHeifOrAvifBrands_whenSniffed_thenTheFormatFollowsTheBrands() {
        assertThat(ImageFormat.sniff(ftyp("heic", "mif1", "heic"))).contains(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("heix", "mif1"))).contains(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("mif1", "heic"))).contains(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("msf1", "hevc"))).contains(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ftyp("avif", "mif1", "miaf"))).contains(ImageFormat.AVIF);
        assertThat(ImageFormat.sniff(ftyp("avis", "msf1"))).contains(ImageFormat.AVIF);
        // AVIF files written by libheif name mif1 as major brand: the compatible avif brand decides
        assertThat(ImageFormat.sniff(ftyp("mif1", "avif", "miaf"))).contains(ImageFormat.AVIF);
    }

    @Test
    void givenAnFtypBoxOfAVideoOrAMalformedBox_whenSniffed_thenNothingIsRecognised() {
        assertThat(ImageFormat.sniff(ftyp("isom", "iso2", "mp41"))).isEmpty();
        assertThat(ImageFormat.sniff(ftyp("qt  "))).isEmpty();
        byte[] tooSmall = ftyp("heic", "mif1");
        tooSmall[3] = 8;
        assertThat(ImageFormat.sniff(tooSmall)).isEmpty();
        assertThat(ImageFormat.sniff(ascii("\0\0\0\u0018ftyphe"))).isEmpty();
    }

    @Test
    void givenTheNewFormats_whenDescribed_thenMediaTypesAndKeysAreTheRegisteredOnes() {
        assertThat(ImageFormat.HEIF.mediaType()).isEqualTo("image/heif");
        assertThat(ImageFormat.HEIF.extension()).isEqualTo("heic");
        assertThat(ImageFormat.AVIF.mediaType()).isEqualTo("image/avif");
        assertThat(ImageFormat.fromKey("heic")).contains(ImageFormat.HEIF);
        assertThat(ImageFormat.fromKey("avif")).contains(ImageFormat.AVIF);
    }
}
