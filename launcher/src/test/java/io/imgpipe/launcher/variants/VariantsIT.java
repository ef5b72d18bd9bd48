package io.imgpipe.launcher.variants;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.launcher.Fixtures;
import io.imgpipe.launcher.Http;
import io.imgpipe.launcher.TestPipeline;
import io.imgpipe.launcher.fault.ActivityWatch;
import io.imgpipe.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: one upload, every size. Named variants at upload (one decode, each stored on its own), served by
 * {@code GET /image/{id}/variants/{name}} and listed by the meta; a configured preset the image lacks derived later
 * from the kept original by one GET, exactly once however many GETs arrive together. On the shared pipeline (embedded,
 * or the machine's RabbitMQ and PostgreSQL when {@code IMGPIPE_TEST_AMQP_URI} and {@code IMGPIPE_TEST_JDBC_URL} are
 * set).
 */
class VariantsIT {

    private static Http http;
    private static ActivityWatch watch;
    private static byte[] jpeg;

    @BeforeAll
    static void start() throws Exception {
        TestPipeline pipeline = TestPipeline.shared();
        http = new Http(pipeline.baseUrl());
        watch = new ActivityWatch(pipeline.amqpUri());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() throws Exception {
        watch.close();
    }

    @Test
    void givenAnUploadWithTwoPresets_whenBothAreDone_thenEachIsServedByNameAndTheFirstIsTheImage() throws IOException {
        String id = upload("image?variants=thumbnail,preview");

        HttpResponse<byte[]> thumbnail = http.get("image/" + id + "/variants/thumbnail?wait=60");
        HttpResponse<byte[]> preview = http.get("image/" + id + "/variants/preview?wait=60");

        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(size(thumbnail.body())).containsExactly(200, 200);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(size(preview.body())).containsExactly(400, 250);
        assertThat(preview.headers().firstValue("ETag")).hasValue("\"" + id + "-v-preview\"");
        assertThat(preview.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v)
                .contains("immutable"));
        HttpResponse<byte[]> image = http.get("image/" + id + "?wait=60");
        assertThat(image.body()).as("GET /image/{id} serves the first variant").isEqualTo(thumbnail.body());
        HttpResponse<byte[]> again = http.get("image/" + id + "/variants/preview", "If-None-Match",
                "\"" + id + "-v-preview\"");
        assertThat(again.statusCode()).isEqualTo(304);
        List<ActivityEvent> done = watch.seen(e -> id.equals(e.imageId()) && e.service().equals("transformer")
                && e.event().equals("done"));
        assertThat(done).extracting(e -> e.detail().get("variant")).containsExactlyInAnyOrder("thumbnail", "preview");
        assertThat(watch.seen(e -> id.equals(e.imageId()) && e.service().equals("transformer")
                && e.event().equals("started"))).as("one job, one decode, for both").hasSize(1);
    }

    @Test
    void givenAnUploadWithVariants_whenItsMetaIsRead_thenEveryVariantIsListedWithItsFacts() {
        String id = upload("image?variants=thumbnail,card");
        assertThat(http.get("image/" + id + "/variants/card?wait=60").statusCode()).isEqualTo(200);
        assertThat(http.get("image/" + id + "?wait=60").statusCode()).isEqualTo(200);

        JsonNode meta = Http.json(http.get("image/" + id + "/meta"));

        JsonNode variants = meta.get("variants");
        assertThat(variants).hasSize(2);
        assertThat(variants.get(0).get("name").asText()).isEqualTo("thumbnail");
        assertThat(variants.get(0).get("primary").asBoolean()).isTrue();
        JsonNode card = variants.get(1);
        assertThat(card.get("name").asText()).isEqualTo("card");
        assertThat(card.get("status").asText()).isEqualTo("done");
        assertThat(card.get("format").asText()).isEqualTo("jpeg");
        assertThat(card.get("width").asInt()).isEqualTo(640);
        assertThat(card.get("height").asInt()).isEqualTo(400);
        assertThat(card.get("bytes").asInt()).isPositive();
        assertThat(card.at("/options/fit").asText()).isEqualTo("cover");
        assertThat(card.at("/timestamps/stored").asLong()).isPositive();
        assertThat(card.get("error").isNull()).isTrue();
    }

    @Test
    void givenVariantsAndPlainOptions_whenUploaded_thenTheConflictIsA400NamingIt() {
        HttpResponse<byte[]> refused = http.post("image?variants=thumbnail&width=100", jpeg,
                "Content-Type", "image/jpeg");

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(refused);
        assertThat(error.get("error").asText()).isEqualTo("bad_option");
        assertThat(error.get("message").asText()).contains("variants").contains("width");
    }

    @Test
    void givenAnUnknownPresetInVariants_whenUploaded_thenA400ListsThePresets() {
        HttpResponse<byte[]> refused = http.post("image?variants=thumbnail,nope", jpeg, "Content-Type", "image/jpeg");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Http.json(refused).get("message").asText()).contains("nope").contains("preview");
    }

    @Test
    void givenAWaitingUploadOfSeveralVariants_whenAllAreDone_thenTheAnswerIs201WithEveryVariant() {
        HttpResponse<byte[]> answer = http.post("image?variants=thumbnail,preview,card", jpeg,
                "Content-Type", "image/jpeg", "Prefer", "wait=60");

        assertThat(answer.statusCode()).isEqualTo(201);
        JsonNode body = Http.json(answer);
        assertThat(body.get("variants")).extracting(v -> v.get("name").asText())
                .containsExactly("thumbnail", "preview", "card");
        assertThat(body.get("variants")).allSatisfy(v -> assertThat(v.get("status").asText()).isEqualTo("done"));
    }

    @Test
    void givenPlainOptions_whenUploaded_thenTheOneVariantIsDefaultAsBefore() {
        String id = upload("image?width=100");
        HttpResponse<byte[]> image = http.get("image/" + id + "?wait=60");

        HttpResponse<byte[]> variant = http.get("image/" + id + "/variants/default");

        assertThat(variant.statusCode()).isEqualTo(200);
        assertThat(variant.body()).isEqualTo(image.body());
        JsonNode meta = Http.json(http.get("image/" + id + "/meta"));
        assertThat(meta.get("variants")).singleElement().satisfies(v -> {
            assertThat(v.get("name").asText()).isEqualTo("default");
            assertThat(v.get("width").asInt()).isEqualTo(100);
        });
    }

    @Test
    void givenAStoredImage_whenAPresetItLacksIsRequested_thenItIsDerivedFromTheKeptOriginalInOneRequest()
            throws IOException {
        String id = upload("image?variants=thumbnail");
        assertThat(http.get("image/" + id + "?wait=60").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> card = http.get("image/" + id + "/variants/card?wait=60");

        assertThat(card.statusCode()).isEqualTo(200);
        assertThat(size(card.body())).containsExactly(640, 400);
        JsonNode listed = Http.json(http.get("image/" + id + "/meta")).get("variants");
        assertThat(listed).extracting(v -> v.get("name").asText()).containsExactly("thumbnail", "card");
        assertThat(listed.get(1).get("derived").asBoolean()).isTrue();
    }

    /**
     * The first GET of a new preset may come before save2db stored the original (it stores an upload's original and
     * results in either order); even with {@code ?wait=0} the derivation must be asked for, not forgotten.
     */
    @Test
    void givenAnUploadJustAccepted_whenANewPresetIsAskedForWithoutWaiting_thenItIsDerivedAnyway() {
        String id = upload("image?variants=thumbnail");

        HttpResponse<byte[]> first = http.get("image/" + id + "/variants/card?wait=0");

        assertThat(first.statusCode()).isIn(200, 202);
        int started = Await.until(Duration.ofSeconds(30), () -> watch.seen(of(id, "save2db", "derive")
                .and(e -> "started".equals(e.detail().get("outcome")))).size(), n -> n >= 1);
        assertThat(started).as("derivations started by the one GET").isEqualTo(1);
        assertThat(http.get("image/" + id + "/variants/card?wait=60").statusCode()).isEqualTo(200);
    }

    @Test
    void givenANameThatIsNoPreset_whenRequested_thenA404AndNoWork() {
        String id = upload("image?variants=thumbnail");

        HttpResponse<byte[]> answer = http.get("image/" + id + "/variants/huge?wait=1");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(Http.json(answer).get("error").asText()).isEqualTo("unknown_variant");
        assertThat(http.get("image/0123456789abcdef0123456789abcdef/variants/card?wait=0").statusCode())
                .isEqualTo(404);
    }

    @Test
    void givenManyConcurrentFirstRequestsForANewVariant_whenAllAreAnswered_thenExactlyOneJobWasStarted()
            throws Exception {
        String id = upload("image?variants=thumbnail");
        assertThat(http.get("image/" + id + "?wait=60").statusCode()).isEqualTo(200);
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
        try {
            Callable<HttpResponse<byte[]>> get = () -> http.get("image/" + id + "/variants/full?wait=60");
            for (int i = 0; i < requests; i++) {
                answers.add(pool.submit(get));
            }
            for (Future<HttpResponse<byte[]>> answer : answers) {
                HttpResponse<byte[]> r = answer.get(90, TimeUnit.SECONDS);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(size(r.body())).containsExactly(400, 250);
            }
        } finally {
            pool.shutdownNow();
        }

        Predicate<ActivityEvent> commands = of(id, "gateway", "derive");
        Predicate<ActivityEvent> handled = of(id, "save2db", "derive");
        // every command a gateway published has been handled by save2db before the jobs are counted
        Await.until(Duration.ofSeconds(30), () -> watch.seen(handled).size(),
                n -> n >= watch.seen(commands).size());
        assertThat(watch.seen(commands)).isNotEmpty();
        assertThat(watch.seen(handled)).hasSize(watch.seen(commands).size());
        assertThat(watch.seen(handled)).filteredOn(e -> "started".equals(e.detail().get("outcome")))
                .as("jobs started for the variant").hasSize(1);
        assertThat(watch.seen(of(id, "transformer", "done").and(e -> "full".equals(e.detail().get("variant")))))
                .as("transforms of the variant").hasSize(1);
    }

    @Test
    void givenAVariantOfFormatAuto_whenABrowserAcceptsWebp_thenItGetsWebpAndOthersTheInputsFormat()
            throws IOException {
        String id = upload("image?variants=thumbnail,full");
        String browser = "image/avif,image/webp,image/apng,*/*;q=0.8";

        HttpResponse<byte[]> webp = http.get("image/" + id + "/variants/full?wait=60", "Accept", browser);
        HttpResponse<byte[]> plain = http.get("image/" + id + "/variants/full?wait=60", "Accept", "image/*");
        HttpResponse<byte[]> fixed = http.get("image/" + id + "/variants/thumbnail?wait=60", "Accept", browser);

        assertThat(webp.statusCode()).isEqualTo(200);
        assertThat(webp.headers().firstValue("Content-Type")).hasValue("image/webp");
        assertThat(webp.headers().firstValue("Vary")).hasValue("Accept");
        assertThat(size(webp.body())).containsExactly(400, 250);
        assertThat(plain.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(plain.headers().firstValue("Vary")).hasValue("Accept");
        assertThat(webp.headers().firstValue("ETag")).isNotEqualTo(plain.headers().firstValue("ETag"));
        assertThat(fixed.headers().firstValue("Content-Type")).as("thumbnail names its format")
                .hasValue("image/jpeg");
        assertThat(fixed.headers().firstValue("Vary")).isEmpty();
    }

    private static Predicate<ActivityEvent> of(String id, String service, String event) {
        return ActivityWatch.is(id, service, event);
    }

    private static String upload(String path) {
        HttpResponse<byte[]> accepted = http.post(path, jpeg, "Content-Type", "image/jpeg");
        assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);
        return Http.json(accepted).get("id").asText();
    }

    private static List<Integer> size(byte[] image) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
        return List.of(decoded.getWidth(), decoded.getHeight());
    }
}
