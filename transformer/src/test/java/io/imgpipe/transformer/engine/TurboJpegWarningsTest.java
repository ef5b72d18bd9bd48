package io.imgpipe.transformer.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TurboJpegWarningsTest {

    @Test
    void warningsAboutTheScanDataMeanTheImageIsDamaged() {
        assertThat(TurboJpeg.isDamage("Corrupt JPEG data: bad Huffman code")).isTrue();
        assertThat(TurboJpeg.isDamage("Unsupported marker type 0x4f")).isTrue();
        assertThat(TurboJpeg.isDamage("Premature end of JPEG file")).isTrue();
    }

    @Test
    void warningsCommonInCameraFilesAreHarmless() {
        assertThat(TurboJpeg.isDamage("Corrupt JPEG data: 2 extraneous bytes before marker 0xd9")).isFalse();
        assertThat(TurboJpeg.isDamage("Invalid SOS parameters for sequential JPEG")).isFalse();
    }
}
