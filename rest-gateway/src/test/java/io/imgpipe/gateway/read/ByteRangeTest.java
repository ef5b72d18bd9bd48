package io.imgpipe.gateway.read;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteRangeTest {

    @Test
    void readsAClosedRange() throws Exception {
        assertThat(ByteRange.parse("bytes=100-199", 1000)).contains(new ByteRange(100, 100));
    }

    @Test
    void anOpenRangeRunsToTheEnd() throws Exception {
        assertThat(ByteRange.parse("bytes=990-", 1000)).contains(new ByteRange(990, 10));
    }

    @Test
    void aSuffixRangeIsTheLastBytes() throws Exception {
        assertThat(ByteRange.parse("bytes=-10", 1000)).contains(new ByteRange(990, 10));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 1000));
    }

    @Test
    void aLastBytePastTheEndIsClamped() throws Exception {
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).contains(new ByteRange(900, 100));
    }

    @Test
    void aFirstBytePastTheEndIsUnsatisfiable() {
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=1000-", 1000));
        assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-0", 1000));
    }

    @Test
    void severalRangesOrOtherUnitsOrNonsenseSendTheWholeImage() throws Exception {
        assertThat(ByteRange.parse(null, 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-1,5-6", 1000)).isEmpty();
        assertThat(ByteRange.parse("items=0-1", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=9-3", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=-", 1000)).isEqualTo(Optional.empty());
        assertThat(ByteRange.parse("bytes=99999999999999999999-", 1000)).isEmpty();
    }

    @Test
    void namesTheRangeForContentRange() {
        assertThat(new ByteRange(100, 100).contentRange(1000)).isEqualTo("bytes 100-199/1000");
    }
}
