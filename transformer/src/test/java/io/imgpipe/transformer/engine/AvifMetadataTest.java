package io.imgpipe.transformer.engine;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14: {@code strip=false} and {@code keep=copyright} for AVIF results, and for HEIC/AVIF sources. The results
 * are read back through libheif (the file's Exif and XMP items, its colour profile), the EXIF with TwelveMonkeys'
 * TIFF reader. The source is MetadataTest's fixture (Artist, Copyright, GPS, Make, orientation 6, XMP dc:creator).
 * Runs where libheif is installed; CI sets {@value HeifAvifTest#EXPECT_NATIVE}{@code =true}, so there a missing
 * library fails these tests instead of skipping them.
 */
class AvifMetadataTest {

    private static final String ARTIST = "Ada Photographer";
    private static final String COPYRIGHT = "(c) 2026 Ada Photographer, all rights reserved";

    private static final ImageEngine ENGINE = new ImageEngine(EngineLimits.defaults());
    private static final HeifCodec HEIF = HeifCodec.load(true);
    private final OptionsParser parser = OptionsParser.withPresets(null);
    private final byte[] photo = TestImages.resource("exif-copyright-gps.jpg");

    @BeforeEach
    void requireLibheif() {
        boolean expected = "true".equalsIgnoreCase(System.getenv(HeifAvifTest.EXPECT_NATIVE));
        if (expected) {
            assertThat(ENGINE.heifVersion()).as("libheif loaded (" + HeifAvifTest.EXPECT_NATIVE + "=true)")
                    .isPresent();
        }
        assumeTrue(ENGINE.heifVersion().isPresent() && HEIF.canWrite(ImageFormat.AVIF), "libheif with an AV1"
                + " encoder is not installed and " + HeifAvifTest.EXPECT_NATIVE + " is not true");
    }

    @Test
    void givenStripFalse_whenWrittenAsAvif_thenCopyrightGpsXmpAreKeptAndTheOrientationIsReset() throws Exception {
        TransformResult result = ENGINE.transform(photo, parser.parse("width=24&strip=false&format=avif"));

        assertThat(result.width()).isEqualTo(24); // stored 64x48, orientation 6: upright 48x64
        assertThat(result.height()).isEqualTo(32);
        Metadata stored = stored(result.bytes());
        Directory exif = tiff(stored.exif());
        assertThat(text(exif, TIFF.TAG_ARTIST)).isEqualTo(ARTIST);
        assertThat(text(exif, TIFF.TAG_COPYRIGHT)).isEqualTo(COPYRIGHT);
        assertThat(text(exif, TIFF.TAG_MAKE)).isEqualTo("TestCam");
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).as("the GPS IFD").isNotNull();
        assertThat(((Number) exif.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(1);
        assertThat(stored.xmp()).isNotNull();
        assertThat(ascii(stored.xmp())).contains("<dc:creator>");
        // the Exif item as HEIF stores it (ISO/IEC 23008-12 A.2.1): a 4-byte offset to the TIFF header, here 0
        assertThat(ascii(result.bytes())).contains("\0\0\0\0" + ascii(stored.exif()).substring(0, 8));
        TransformResult back = ENGINE.transform(result.bytes(), parser.parse("format=png"));
        assertThat(back.sourceWidth()).isEqualTo(24);
        assertThat(back.sourceHeight()).isEqualTo(32);
    }

    @Test
    void givenKeepCopyright_whenWrittenAsAvif_thenOnlyArtistAndCopyrightAreKept() throws Exception {
        TransformResult result = ENGINE.transform(photo, parser.parse("width=24&keep=copyright&format=avif"));

        Metadata stored = stored(result.bytes());
        Directory exif = tiff(stored.exif());
        assertThat(text(exif, TIFF.TAG_ARTIST)).isEqualTo(ARTIST);
        assertThat(text(exif, TIFF.TAG_COPYRIGHT)).isEqualTo(COPYRIGHT);
        assertThat(exif.size()).isEqualTo(2);
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).isNull();
        assertThat(stored.xmp()).isNull();
        assertThat(ascii(result.bytes())).doesNotContain("TestCam").doesNotContain("dc:creator");
    }

    @Test
    void givenTheDefaultStrip_whenWrittenAsAvif_thenNoMetadataIsLeft() throws Exception {
        TransformResult result = ENGINE.transform(photo, parser.parse("width=24&format=avif"));

        Metadata stored = stored(result.bytes());
        assertThat(stored.exif()).isNull();
        assertThat(stored.xmp()).isNull();
        assertThat(ascii(result.bytes())).doesNotContain(ARTIST).doesNotContain("Exif").doesNotContain("TestCam");
    }

    @Test
    void givenAWideGamutProfileAndStripFalse_whenWrittenAsAvif_thenTheProfileIsKept() throws Exception {
        assumeTrue(ENGINE.decodesJpegNatively(), "the ImageIO JPEG decoder converts to sRGB itself");
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] tagged = TestImages.withIccProfile(TestImages.resource("baseline.jpg"), linear);

        TransformResult kept = ENGINE.transform(tagged, parser.parse("width=50&strip=false&format=avif"));
        TransformResult stripped = ENGINE.transform(tagged, parser.parse("width=50&format=avif"));

        try (HeifSource source = HEIF.open(kept.bytes(), ImageFormat.AVIF, EngineLimits.defaults())) {
            assertThat(source.profile()).isNotNull();
            assertThat(source.profile().getData()).isEqualTo(linear);
        }
        try (HeifSource source = HEIF.open(stripped.bytes(), ImageFormat.AVIF, EngineLimits.defaults())) {
            assertThat(source.profile()).isNull(); // sRGB
        }
        // shown through their profiles (the engine applies the kept one when it reads the AVIF), both look alike
        int a = TestImages.mean(TestImages.decode(ENGINE.transform(kept.bytes(), parser.parse("format=png"))
                .bytes()));
        int b = TestImages.mean(TestImages.decode(ENGINE.transform(stripped.bytes(), parser.parse("format=png"))
                .bytes()));
        assertThat(TestImages.distance(a, b)).isLessThan(12);
    }

    @Test
    void givenAHeicWithExifOrientation6AndIrot_whenKeptInAJpeg_thenTheOrientationSaysUpright() throws Exception {
        // libheif turns the pixels upright (irot); the EXIF orientation 6 the file repeats would turn them again
        byte[] heic = TestImages.resource("irot-exif-orientation-6.heic");
        try (HeifSource source = HEIF.open(heic, ImageFormat.HEIF, EngineLimits.defaults())) {
            Directory original = tiff(source.metadata().exif());
            assertThat(((Number) original.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(6);
        }

        TransformResult jpeg = ENGINE.transform(heic, parser.parse("strip=false&format=jpeg"));
        TransformResult avif = ENGINE.transform(heic, parser.parse("strip=false&format=avif"));

        assertThat(jpeg.width()).isEqualTo(64);
        assertThat(jpeg.height()).isEqualTo(40);
        Directory inJpeg = tiff(Metadata.read(jpeg.bytes(), ImageFormat.JPEG).exif());
        assertThat(((Number) inJpeg.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(1);
        Directory inAvif = tiff(stored(avif.bytes()).exif());
        assertThat(((Number) inAvif.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(1);
    }

    /** The EXIF and XMP of an AVIF, read back through libheif. */
    private static Metadata stored(byte[] avif) throws ImageRejectedException {
        assertThat(ImageFormat.sniff(avif)).contains(ImageFormat.AVIF);
        try (HeifSource source = HEIF.open(avif, ImageFormat.AVIF, EngineLimits.defaults())) {
            return source.metadata();
        }
    }

    private static Directory tiff(byte[] exif) throws IOException {
        assertThat(exif).as("an EXIF block").isNotNull();
        return new TIFFReader().read(new ByteArrayImageInputStream(exif));
    }

    private static String text(Directory dir, int tag) {
        Entry e = dir.getEntryById(tag);
        return e == null ? null : e.getValueAsString();
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
