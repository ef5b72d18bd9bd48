package io.imgpipe.transformer.engine.ops;

import org.junit.jupiter.api.Test;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Colour conversion in bands of rows (so the deadline is checked) gives what one whole-image conversion gives. */
class ConvertToSrgbTest {

    private static final ICC_ColorSpace LINEAR = (ICC_ColorSpace) ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB);

    private static BufferedImage gradient(int w, int h) {
        BufferedImage img = Pixels.create(w, h, false);
        int[] d = Pixels.data(img);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = 0xFF000000 | (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x + y) & 0xFF);
            }
        }
        return img;
    }

    @Test
    void givenAnImageTallerThanOneBand_whenConverted_thenItEqualsOneWholeImageConversion() {
        BufferedImage img = gradient(37, 300);

        int[] banded = Pixels.data(new ConvertToSrgb(LINEAR).apply(img));

        byte[] samples = new byte[37 * 300 * 3];
        int[] src = Pixels.data(img);
        for (int i = 0; i < src.length; i++) {
            samples[3 * i] = (byte) (src[i] >> 16);
            samples[3 * i + 1] = (byte) (src[i] >> 8);
            samples[3 * i + 2] = (byte) src[i];
        }
        BufferedImage tagged = new BufferedImage(new ComponentColorModel(LINEAR, false, false, Transparency.OPAQUE,
                DataBuffer.TYPE_BYTE), Raster.createInterleavedRaster(new DataBufferByte(samples, samples.length), 37,
                300, 37 * 3, 3, new int[] {0, 1, 2}, null), false, null);
        BufferedImage whole = new ColorConvertOp(null).filter(tagged, Pixels.create(37, 300, false));
        assertThat(banded).isEqualTo(Pixels.data(whole));
    }

    @Test
    void givenADeadlineThatHasPassed_whenConverted_thenItStopsWithExceeded() {
        assertThrows(Deadline.Exceeded.class, () -> new ConvertToSrgb(LINEAR).apply(gradient(8, 8),
                Deadline.after(Duration.ZERO)));
    }
}
