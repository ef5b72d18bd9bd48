package io.imgpipe.transformer.engine;

import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** ICC profiles built for nclx colour descriptions (issue 14). */
class NclxProfilesTest {

    @Test
    void givenSrgbPrimariesOrAnHdrTransfer_whenAskedForAProfile_thenNoneIsNeeded() {
        assertThat(NclxProfiles.forCodePoints(1, 13)).isNull();  // BT.709 primaries: sRGB
        assertThat(NclxProfiles.forCodePoints(2, 2)).isNull();   // unspecified
        assertThat(NclxProfiles.forCodePoints(9, 16)).isNull();  // BT.2020 with PQ: HDR, left alone
    }

    @Test
    void givenDisplayP3_whenItsProfileConvertsWhiteAndGrey_thenTheyStayNeutral() {
        ICC_Profile p3 = NclxProfiles.forCodePoints(NclxProfiles.PRIMARIES_DISPLAY_P3, NclxProfiles.TRANSFER_SRGB);

        ColorSpace space = new ICC_ColorSpace(p3);
        float[] white = space.toRGB(new float[] {1, 1, 1});
        float[] grey = space.toRGB(new float[] {0.5f, 0.5f, 0.5f});

        assertThat(IccProfiles.isSrgb(p3)).isFalse();
        for (int c = 0; c < 3; c++) {
            assertThat(white[c]).isCloseTo(1f, within(0.01f));
            assertThat(grey[c]).isCloseTo(0.5f, within(0.02f));
        }
        // pure P3 red lies outside sRGB: green and blue clip to (nearly) nothing
        float[] red = space.toRGB(new float[] {1, 0, 0});
        assertThat(red[0]).isGreaterThan(0.99f);
        assertThat(red[1]).isLessThan(0.1f);
    }

    @Test
    void givenTheSameCodePointsTwice_whenAskedForAProfile_thenItIsBuiltOnce() {
        assertThat(NclxProfiles.forCodePoints(9, 1)).isSameAs(NclxProfiles.forCodePoints(9, 14));
    }
}
