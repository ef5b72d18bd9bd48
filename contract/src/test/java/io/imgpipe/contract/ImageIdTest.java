package io.imgpipe.contract;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageIdTest {

    @Test
    void randomIdsAre128BitsOfLowercaseHexAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ImageId.random().value();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void malformedIdsAreRefused() {
        for (String bad : new String[]{null, "", "123", "0123456789ABCDEF0123456789ABCDEF",
                "0123456789abcdef0123456789abcdeg", "../../etc/passwd", "' OR 1=1--",
                "0123456789abcdef0123456789abcdef0"}) {
            assertThat(ImageId.isWellFormed(bad)).as(String.valueOf(bad)).isFalse();
            assertThatThrownBy(() -> new ImageId(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anIdempotencyKeyAlwaysNamesTheSameImageAndDifferentKeysDifferentImages() {
        ImageId first = ImageId.fromIdempotencyKey("3f1c0a52-upload-7");

        assertThat(ImageId.fromIdempotencyKey("3f1c0a52-upload-7")).isEqualTo(first);
        assertThat(ImageId.fromIdempotencyKey("3f1c0a52-upload-8")).isNotEqualTo(first);
        assertThat(first.value()).matches("[0-9a-f]{32}");
    }

    @Test
    void traceparentContinuesAValidTraceAndStartsANewOneOtherwise() {
        String incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        String continued = Traceparent.continueOrStart(incoming);
        String fresh = Traceparent.continueOrStart("garbage");

        assertThat(Traceparent.traceId(continued)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(continued).isNotEqualTo(incoming);
        assertThat(fresh).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(Traceparent.traceId("nonsense")).isEmpty();
    }
}
