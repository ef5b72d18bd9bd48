package io.imgpipe.transformer.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The encoder's output buffer: reused between results, stopped at its limit, readable back as writers need. */
class ResultBufferTest {

    @Test
    void givenWritesPastTheLimit_whenWritten_thenTheWriteFailsAtOnceWithTooLarge() throws Exception {
        ResultBuffer out = new ResultBuffer(null, 10);
        out.write(new byte[8], 0, 8);

        assertThrows(ResultBuffer.TooLarge.class, () -> out.write(new byte[3], 0, 3));
        assertThat(out.length()).isEqualTo(8);
    }

    @Test
    void givenAWriterThatSeeksBackToPatchAHeader_whenWritten_thenTheResultHasThePatchAndItsFullLength()
            throws Exception {
        ResultBuffer out = new ResultBuffer(new byte[4], 1 << 20);
        out.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 10);
        out.seek(2);
        out.write(42);
        out.seek(0);

        assertThat(out.read()).isEqualTo(1);
        assertThat(out.toByteArray()).containsExactly(1, 2, 42, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void givenAnArrayFromAnEarlierResult_whenReused_thenOnlyTheNewBytesAreReturned() throws Exception {
        byte[] earlier = {9, 9, 9, 9, 9, 9};
        ResultBuffer out = new ResultBuffer(earlier, 100);
        out.write(new byte[] {1, 2}, 0, 2);

        assertThat(out.toByteArray()).containsExactly(1, 2);
        assertThat(out.reusable()).isSameAs(earlier);
    }
}
