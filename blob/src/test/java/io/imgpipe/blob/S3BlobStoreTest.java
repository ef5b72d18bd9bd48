package io.imgpipe.blob;

import io.imgpipe.contract.BlobRef;
import io.imgpipe.testsupport.S3TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The S3 implementation against a real S3 server (S3Proxy in this JVM, over HTTP on loopback). */
class S3BlobStoreTest {

    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static S3BlobStore freshStore() {
        return S3BlobStore.open(BlobSettings.s3(server.endpoint(), "b-" + UUID.randomUUID(), S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY, 0));
    }

    @Test
    void storesAndReadsBackUnderTheDigestKey() {
        try (S3BlobStore store = freshStore()) {
            byte[] bytes = "a picture, more or less".getBytes(StandardCharsets.UTF_8);

            BlobRef ref = store.put(bytes);

            assertThat(ref).isEqualTo(BlobRef.of(bytes));
            assertThat(ref.key()).startsWith("sha256/" + ref.sha256().substring(0, 2) + "/");
            assertThat(store.get(ref)).isEqualTo(bytes);
        }
    }

    @Test
    void bytesThatDoNotMatchTheirDigestAreAStoreFailureNotAnImage() {
        String bucket = "b-" + UUID.randomUUID();
        try (S3BlobStore store = S3BlobStore.open(BlobSettings.s3(server.endpoint(), bucket, S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY, 0))) {
            BlobRef ref = store.put("the bytes that were uploaded".getBytes(StandardCharsets.UTF_8));
            server.overwrite(bucket, ref.key(), "the bytes that came back".getBytes(StandardCharsets.UTF_8));

            BlobStoreException e = assertThrows(BlobStoreException.class, () -> store.get(ref));

            assertThat(e).hasMessageContaining("do not match its digest");
        }
    }

    @Test
    void storingTheSameBytesTwiceKeepsOneObject() {
        try (S3BlobStore store = freshStore()) {
            byte[] bytes = new byte[100_000];
            new Random(17).nextBytes(bytes);

            BlobRef first = store.put(bytes);
            BlobRef again = store.put(bytes);

            assertThat(again).isEqualTo(first);
            assertThat(store.list("", 10)).extracting(BlobStore.StoredBlob::key).containsExactly(first.key());
        }
    }

    @Test
    void readsARange() throws Exception {
        try (S3BlobStore store = freshStore()) {
            BlobRef ref = store.put("0123456789".getBytes(StandardCharsets.US_ASCII));

            try (InputStream in = store.open(ref, 3, 4)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("3456");
            }
        }
    }

    @Test
    void deleteRemovesAndAMissingObjectIsNotFound() {
        try (S3BlobStore store = freshStore()) {
            BlobRef ref = store.put(new byte[]{1, 2, 3});

            store.delete(ref.key());
            store.delete(ref.key()); // again: not an error

            assertThrows(BlobNotFoundException.class, () -> store.get(ref));
        }
    }

    @Test
    void listsPageByPageInKeyOrder() {
        try (S3BlobStore store = freshStore()) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                keys.add(store.put(new byte[]{(byte) i}).key());
            }

            List<String> listed = new ArrayList<>();
            String after = "";
            for (int page = 0; page < 10; page++) {
                List<BlobStore.StoredBlob> blobs = store.list(after, 2);
                if (blobs.isEmpty()) {
                    break;
                }
                blobs.forEach(b -> listed.add(b.key()));
                after = blobs.get(blobs.size() - 1).key();
            }

            assertThat(listed).isEqualTo(keys.stream().sorted().toList());
        }
    }

    @Test
    void aPresignedUrlServesTheBytesWithoutCredentials() throws Exception {
        try (S3BlobStore store = freshStore()) {
            byte[] bytes = "shared".getBytes(StandardCharsets.UTF_8);
            BlobRef ref = store.put(bytes);

            var url = store.presignedGet(ref, "image/png", Duration.ofMinutes(1)).orElseThrow().toURL();
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);

            assertThat(c.getResponseCode()).isEqualTo(200);
            assertThat(c.getHeaderField("Content-Type")).isEqualTo("image/png");
            try (InputStream in = c.getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @Test
    void anUnreachableStoreIsAClearErrorNotAHang() throws Exception {
        try (S3BlobStore store = freshStore()) {
            server.pause();
            try {
                BlobStoreException e = assertThrows(BlobStoreException.class, () -> store.put(new byte[]{9}));
                assertThat(e.getMessage()).contains("could not store");
            } finally {
                server.resume();
            }
            assertThat(store.get(store.put(new byte[]{9}))).containsExactly(9);
        }
    }
}
