package io.imgpipe.gateway.upload;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UploadReaderTest {

    @Test
    void fileNamesKeepOnlyTheirLastSegmentWithoutControlCharacters() {
        assertThat(UploadReader.cleanName("photo.jpg")).isEqualTo("photo.jpg");
        assertThat(UploadReader.cleanName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(UploadReader.cleanName("C:\\Users\\me\\cat.png")).isEqualTo("cat.png");
        assertThat(UploadReader.cleanName("evil\r\nSet-Cookie: x\".jpg")).isEqualTo("evilSet-Cookie: x.jpg");
        assertThat(UploadReader.cleanName("dir/")).isNull();
        assertThat(UploadReader.cleanName(null)).isNull();
        assertThat(UploadReader.cleanName("a".repeat(500))).hasSize(200);
    }
}
