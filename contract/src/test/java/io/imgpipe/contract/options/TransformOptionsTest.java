package io.imgpipe.contract.options;

import io.imgpipe.contract.format.ImageFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TransformOptionsTest {

    @Test
    void givenTheIdentity_whenDescribed_thenNothingIsListedAndNothingResizes() {
        assertThat(TransformOptions.IDENTITY.asMap()).isEmpty();
        assertThat(TransformOptions.IDENTITY.resizes()).isFalse();
        assertThat(TransformOptions.IDENTITY.scaledWidth()).isZero();
    }

    @Test
    void givenAFractionalDpr_whenScaled_thenTheSizeIsRounded() {
        TransformOptions o = OptionsParser.withPresets(null).parse("width=333&height=101&dpr=1.5");

        assertThat(o.scaledWidth()).isEqualTo(500);
        assertThat(o.scaledHeight()).isEqualTo(152);
    }

    @Test
    void givenATinyBlur_whenWrittenCanonically_thenItIsPlainDecimalNotExponent() {
        TransformOptions o = OptionsParser.withPresets(null).parse("blur=0.0001&dpr=2&width=1");

        assertThat(o.asMap()).containsEntry("blur", "0.0001").containsEntry("dpr", "2");
    }

    @Test
    void givenAnOutputFormat_whenResolvedForAnInput_thenAutoKeepsTheInputsFormat() {
        assertThat(OutputFormat.AUTO.resolve(ImageFormat.GIF))
                .isEqualTo(ImageFormat.GIF);
        assertThat(OutputFormat.PNG.resolve(ImageFormat.GIF))
                .isEqualTo(ImageFormat.PNG);
        assertThat(OutputFormat.AUTO.format()).isEmpty();
    }

    @Test
    void givenAHeicInput_whenAutoIsResolved_thenItBecomesJpegWhileAvifStaysAvif() {
        assertThat(OutputFormat.AUTO.resolve(ImageFormat.HEIF)).isEqualTo(ImageFormat.JPEG);
        assertThat(OutputFormat.AUTO.resolve(ImageFormat.AVIF)).isEqualTo(ImageFormat.AVIF);
        assertThat(OutputFormat.AVIF.resolve(ImageFormat.HEIF)).isEqualTo(ImageFormat.AVIF);
    }
}
