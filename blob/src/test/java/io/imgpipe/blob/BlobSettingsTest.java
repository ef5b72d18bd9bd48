package io.imgpipe.blob;

import io.imgpipe.runtime.Env;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlobSettingsTest {

    @Test
    void theDefaultKeepsEveryByteInPostgres() {
        BlobSettings s = BlobSettings.fromEnv(new Env(Map.of()));

        assertThat(s.objectStore()).isFalse();
        assertThat(s.byReference(10L << 20)).isFalse();
    }

    @Test
    void s3WithAnEndpointDefaultsToPathStyleAndA64KiBThreshold() {
        BlobSettings s = BlobSettings.fromEnv(new Env(Map.of("IMGPIPE_BLOB_STORE", "s3",
                "IMGPIPE_S3_ENDPOINT", "http://minio:9000", "IMGPIPE_S3_BUCKET", "images",
                "IMGPIPE_S3_ACCESS_KEY", "a", "IMGPIPE_S3_SECRET_KEY", "b")));

        assertThat(s.objectStore()).isTrue();
        assertThat(s.endpoint()).isEqualTo(URI.create("http://minio:9000"));
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.byReference(65_536)).isFalse();
        assertThat(s.byReference(65_537)).isTrue();
        assertThat(s.sweepGrace()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void awsS3WithoutEndpointUsesVirtualHostsAndTheDefaultCredentials() {
        BlobSettings s = BlobSettings.fromEnv(new Env(Map.of("IMGPIPE_BLOB_STORE", "s3", "IMGPIPE_S3_BUCKET", "images",
                "IMGPIPE_S3_REGION", "eu-west-1")));

        assertThat(s.pathStyle()).isFalse();
        assertThat(s.accessKey()).isNull();
    }

    @Test
    void misconfigurationsFailNamingTheSetting() {
        assertThat(assertThrows(IllegalArgumentException.class, () -> BlobSettings.fromEnv(new Env(Map.of(
                "IMGPIPE_BLOB_STORE", "s3"))))).hasMessageContaining("IMGPIPE_S3_BUCKET");
        assertThat(assertThrows(IllegalArgumentException.class, () -> BlobSettings.fromEnv(new Env(Map.of(
                "IMGPIPE_BLOB_STORE", "gcs"))))).hasMessageContaining("IMGPIPE_BLOB_STORE");
        assertThat(assertThrows(IllegalArgumentException.class, () -> BlobSettings.fromEnv(new Env(Map.of(
                "IMGPIPE_BLOB_STORE", "s3", "IMGPIPE_S3_BUCKET", "b", "IMGPIPE_S3_ACCESS_KEY", "a")))))
                .hasMessageContaining("IMGPIPE_S3_SECRET_KEY");
        assertThat(assertThrows(IllegalArgumentException.class, () -> BlobSettings.fromEnv(new Env(Map.of(
                "IMGPIPE_BLOB_REDIRECT", "true"))))).hasMessageContaining("IMGPIPE_BLOB_STORE=s3");
        assertThat(assertThrows(IllegalArgumentException.class, () -> BlobSettings.fromEnv(new Env(Map.of(
                "IMGPIPE_BLOB_STORE", "s3", "IMGPIPE_S3_BUCKET", "b", "IMGPIPE_S3_ENDPOINT", "minio:9000")))))
                .hasMessageContaining("IMGPIPE_S3_ENDPOINT");
    }
}
