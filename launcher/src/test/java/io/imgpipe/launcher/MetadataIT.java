package io.imgpipe.launcher;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imgpipe.transformer.engine.EngineLimits;
import io.imgpipe.transformer.engine.ImageEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 14, end to end: a photographer's JPEG (exiftool-tagged: Artist, Copyright, GPS, orientation 6) keeps its
 * credit through the pipeline when asked, and nothing when not, in JPEG and (where libheif is installed) AVIF
 * ({@link TestPipeline} says on which infrastructure).
 */
class MetadataIT {

    private static Http http;
    private static byte[] photo;

    @BeforeAll
    static void start() {
        http = new Http(TestPipeline.shared().baseUrl());
        photo = Fixtures.bytes("/images/exif-copyright-gps.jpg");
    }

    @Test
    void stripFalseKeepsTheCopyrightAndGpsWithTheOrientationReset() throws IOException {
        Directory exif = exif(transformed("image?width=24&strip=false&format=jpeg"));

        assertThat(exif.getEntryById(TIFF.TAG_COPYRIGHT).getValueAsString())
                .isEqualTo("(c) 2026 Ada Photographer, all rights reserved");
        assertThat(exif.getEntryById(TIFF.TAG_ARTIST).getValueAsString()).isEqualTo("Ada Photographer");
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).isNotNull();
        assertThat(((Number) exif.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(1);
    }

    @Test
    void keepCopyrightKeepsTheCreditButNoGps() throws IOException {
        Directory exif = exif(transformed("image?width=24&keep=copyright&format=jpeg"));

        assertThat(exif.getEntryById(TIFF.TAG_COPYRIGHT).getValueAsString()).startsWith("(c) 2026");
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).isNull();
        assertThat(exif.size()).isEqualTo(2);
    }

    @Test
    void theDefaultStripsEverything() throws IOException {
        byte[] result = transformed("image?width=24&format=jpeg");

        assertThat(JPEGSegmentUtil.readSegments(new ByteArrayImageInputStream(result), JPEG.APP1, "Exif")).isEmpty();
        assertThat(new String(result, StandardCharsets.ISO_8859_1)).doesNotContain("Ada Photographer");
    }

    @Test
    void anAvifKeepsTheCreditAndGpsAndAHeifSourceGivesThemOn() throws IOException {
        assumeLibheif();
        byte[] kept = transformed("image?width=24&strip=false&format=avif");
        byte[] credit = transformed("image?width=24&keep=copyright&format=avif");
        byte[] stripped = transformed("image?width=24&format=avif");

        // each AVIF read back by the pipeline itself: uploaded again, written as a JPEG that keeps what it finds
        Directory exif = exif(transformed("image?strip=false&format=jpeg", kept, "image/avif"));
        assertThat(exif.getEntryById(TIFF.TAG_COPYRIGHT).getValueAsString())
                .isEqualTo("(c) 2026 Ada Photographer, all rights reserved");
        assertThat(exif.getEntryById(TIFF.TAG_GPS_IFD)).isNotNull();
        assertThat(((Number) exif.getEntryById(TIFF.TAG_ORIENTATION).getValue()).intValue()).isEqualTo(1);
        Directory creditOnly = exif(transformed("image?strip=false&format=jpeg", credit, "image/avif"));
        assertThat(creditOnly.getEntryById(TIFF.TAG_ARTIST).getValueAsString()).isEqualTo("Ada Photographer");
        assertThat(creditOnly.size()).isEqualTo(2);
        byte[] none = transformed("image?strip=false&format=jpeg", stripped, "image/avif");
        assertThat(JPEGSegmentUtil.readSegments(new ByteArrayImageInputStream(none), JPEG.APP1, "Exif")).isEmpty();
    }

    private static void assumeLibheif() {
        ImageEngine local = new ImageEngine(EngineLimits.defaults());
        if ("true".equalsIgnoreCase(System.getenv("IMGPIPE_EXPECT_LIBHEIF"))) {
            assertThat(local.heifVersion()).as("libheif loaded (IMGPIPE_EXPECT_LIBHEIF=true)").isPresent();
        }
        assumeTrue(local.heifVersion().isPresent(), "libheif is not installed here");
    }

    private static byte[] transformed(String path) {
        return transformed(path, photo, "image/jpeg");
    }

    private static byte[] transformed(String path, byte[] image, String type) {
        HttpResponse<byte[]> accepted = http.post(path, image, "Content-Type", type);
        assertThat(accepted.statusCode()).as(new String(accepted.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String id = Http.json(accepted).get("id").asText();
        HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");
        assertThat(result.statusCode()).as(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return result.body();
    }

    private static Directory exif(byte[] jpeg) throws IOException {
        List<JPEGSegment> app1 = JPEGSegmentUtil.readSegments(new ByteArrayImageInputStream(jpeg), JPEG.APP1, "Exif");
        assertThat(app1).hasSize(1);
        byte[] data = app1.get(0).data().readAllBytes();
        return new TIFFReader().read(new ByteArrayImageInputStream(Arrays.copyOfRange(data, 1, data.length)));
    }
}
