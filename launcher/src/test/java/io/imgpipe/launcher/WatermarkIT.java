package io.imgpipe.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, end to end: a logo configured with {@code IMGPIPE_WATERMARKS} is placed where asked, and the gateway
 * refuses a name that is not configured before anything is published. A pipeline of its own (the setting is read
 * at start), on embedded infrastructure.
 */
class WatermarkIT {

    private static Pipeline pipeline;
    private static Http http;
    private static byte[] jpeg;

    @BeforeAll
    static void start() throws Exception {
        Path logo = Files.createTempFile("imgpipe-logo", ".png");
        Files.write(logo, Fixtures.bytes("/images/logo-40x20.png"));
        logo.toFile().deleteOnExit();
        pipeline = TestPipeline.ownEmbedded(Map.of("IMGPIPE_WATERMARKS", "brand:" + logo));
        http = new Http(pipeline.baseUrl());
        jpeg = Fixtures.bytes("/images/autumn-400x250.jpg");
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void aConfiguredLogoIsPlacedInTheRequestedCorner() throws IOException {
        HttpResponse<byte[]> accepted = http.post("image?width=200&format=png&watermark=brand"
                + "&watermark_position=nw&watermark_scale=0.5", jpeg, "Content-Type", "image/jpeg");
        assertThat(accepted.statusCode()).as(new String(accepted.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String id = Http.json(accepted).get("id").asText();

        HttpResponse<byte[]> result = http.get("image/" + id + "?wait=60");

        assertThat(result.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.body()));
        assertThat(image.getRGB(20, 20) & 0xFFFFFF).as("the logo's green, top left").isEqualTo(0x00FF00);
        assertThat(image.getRGB(150, 100) & 0xFFFFFF).as("the photo, bottom right").isNotEqualTo(0x00FF00);
    }

    @Test
    void anUnknownWatermarkIsRefusedByTheGatewayNamingIt() {
        HttpResponse<byte[]> response = http.post("image?watermark=other", jpeg, "Content-Type", "image/jpeg");

        assertThat(response.statusCode()).isEqualTo(400);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("other").contains("brand");
    }
}
