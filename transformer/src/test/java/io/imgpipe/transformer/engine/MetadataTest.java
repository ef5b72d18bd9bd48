package io.imgpipe.transformer.engine;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.transformer.engine.ops.ConvertToSrgb;
import io.imgpipe.transformer.engine.ops.Pixels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14: {@code strip=false} keeps the photographer's metadata, {@code keep=copyright} only the credit. The
 * fixture was tagged with exiftool: Artist "Ada Photographer", a Copyright line, GPS (48.8584 N, 2.2945 E), Make,
 * orientation 6, XMP dc:creator and IPTC By-line. EXIF is read back with TwelveMonkeys' TIFF reader.
 */
class MetadataTest {

    private static final String ARTIST = "Ada Photographer";
    private static final String COPYRIGHT = "(c) 2026 Ada Photographer, all rights reserved";

    private final ImageEngine engine = new ImageEngine(EngineLimits.defaults());
    private final OptionsParser parser = OptionsParser.withPresets(null);
    private final byte[] photo = TestImages.resource("exif-copyright-gps.jpg");

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "webp"})
    void givenStripFalse_whenTransformed_thenCopyrightGpsXmpAreKeptAndTheOrientationIsReset(String format)
            throws Exception {
        TransformResult result = engine.transform(photo, parser.parse("width=24&strip=false&format=" + format));

        assertThat(result.width()).isEqualTo(24); // stored 64x48, orientation 6: upright 48x64
        assertThat(result.height()).isEqualTo(32);
        Directory exif = exif(result);
        assertThat(text(exif, TIFF.TAG_ARTIST)).isEqualTo(ARTIST);
        assertThat(text(exif, TIFF.TAG_COPYRIGHT)).isEqualTo(COPYRIGHT);
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).as("the GPS IFD").isNotNull();
        assertThat(((Number) exif.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(1);
        assertThat(ascii(result.bytes())).contains("<dc:creator>");
        BufferedImage decoded = TestImages.decode(result.bytes());
        assertThat(decoded.getWidth()).isEqualTo(24);
    }

    @Test
    void givenStripFalse_whenWrittenAsJpeg_thenIptcIsKeptToo() throws Exception {
        TransformResult result = engine.transform(photo, parser.parse("width=24&strip=false&format=jpeg"));

        List<JPEGSegment> app13 = JPEGSegmentUtil.readSegments(new ByteArrayImageInputStream(result.bytes()),
                JPEG.APP13, "Photoshop 3.0");
        assertThat(app13).hasSize(1);
        assertThat(ascii(result.bytes())).contains(ARTIST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "webp"})
    void givenKeepCopyright_whenTransformed_thenOnlyArtistAndCopyrightAreKept(String format) throws Exception {
        TransformResult result = engine.transform(photo, parser.parse("width=24&keep=copyright&format=" + format));

        Directory exif = exif(result);
        assertThat(text(exif, TIFF.TAG_ARTIST)).isEqualTo(ARTIST);
        assertThat(text(exif, TIFF.TAG_COPYRIGHT)).isEqualTo(COPYRIGHT);
        assertThat(exif.size()).isEqualTo(2);
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).isNull();
        String bytes = ascii(result.bytes());
        assertThat(bytes).doesNotContain("TestCam").doesNotContain("dc:creator").doesNotContain("Photoshop 3.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "webp"})
    void givenTheDefaultStrip_whenTransformed_thenNoMetadataIsLeft(String format) throws Exception {
        TransformResult result = engine.transform(photo, parser.parse("width=24&format=" + format));

        assertThat(ascii(result.bytes())).doesNotContain(ARTIST).doesNotContain("Exif").doesNotContain("eXIf")
                .doesNotContain("EXIF");
    }

    @Test
    void givenStripFalseAndAutorotateOff_whenTransformed_thenTheOrientationStaysForTheViewer() throws Exception {
        TransformResult result = engine.transform(photo, parser.parse("strip=false&autorotate=false&format=jpeg"));

        assertThat(result.width()).isEqualTo(64);
        Directory exif = exif(result);
        assertThat(((Number) exif.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(6);
    }

    @Test
    void givenAWideGamutProfileAndStripFalse_whenTransformed_thenTheProfileIsKeptWithThePixelsInIt()
            throws Exception {
        assumeTrue(engine.decodesJpegNatively(), "the ImageIO JPEG decoder converts to sRGB itself");
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] tagged = TestImages.withIccProfile(TestImages.resource("baseline.jpg"), linear);

        TransformResult kept = engine.transform(tagged, parser.parse("width=50&strip=false&format=png"));
        TransformResult stripped = engine.transform(tagged, parser.parse("width=50&format=png"));

        assertThat(IccProfiles.embedded(kept.bytes(), ImageFormat.PNG).getData()).isEqualTo(linear);
        assertThat(IccProfiles.embedded(stripped.bytes(), ImageFormat.PNG)).isNull();
        // read through their profiles (ImageIO's PNG reader ignores iCCP), both show the same colours
        BufferedImage raw = TestImages.decode(kept.bytes());
        BufferedImage samples = Pixels.create(raw.getWidth(), raw.getHeight(), false);
        samples.getGraphics().drawImage(raw, 0, 0, null);
        BufferedImage shown = new ConvertToSrgb((ICC_ColorSpace) ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB))
                .apply(samples);
        int a = TestImages.mean(shown);
        int b = TestImages.mean(TestImages.decode(stripped.bytes()));
        assertThat(TestImages.distance(a, b)).isLessThan(12);
    }

    private static Directory exif(TransformResult result) throws IOException {
        byte[] tiff = Metadata.read(result.bytes(), result.format()).exif();
        if (result.format() == ImageFormat.JPEG) {
            // the JPEG's own segment reader, not the engine's
            List<JPEGSegment> app1 = JPEGSegmentUtil.readSegments(new ByteArrayImageInputStream(result.bytes()),
                    JPEG.APP1, "Exif");
            assertThat(app1).hasSize(1);
            tiff = app1.get(0).data().readAllBytes();
            tiff = Arrays.copyOfRange(tiff, 1, tiff.length); // the identifier's second NUL
        }
        assertThat(tiff).as("an EXIF block").isNotNull();
        return new TIFFReader().read(new ByteArrayImageInputStream(tiff));
    }

    private static String text(Directory dir, int tag) {
        Entry e = dir.getEntryById(tag);
        return e == null ? null : e.getValueAsString();
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
