package io.imgpipe.gateway.http;

import io.undertow.Handlers;
import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExplorerTest {

    private Undertow server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void startServer() {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path(ex -> ex.setStatusCode(404))
                        .addPrefixPath("/docs", new ApiExplorer(ex -> ex.setStatusCode(404))))
                .build();
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    @Test
    void givenTheDocsPath_whenRequested_thenSwaggerUiPageIsServedFromTheWebjarUnderTheStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/docs/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui-bundle.js").contains("swagger-initializer.js");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(StaticPage.CSP);
        assertThat(get("/docs/swagger-ui-bundle.js").statusCode()).isEqualTo(200);
    }

    @Test
    void givenTheInitializer_whenRequested_thenItPointsAtThisApiAndNotAtThePetstore() throws Exception {
        HttpResponse<String> initializer = get("/docs/swagger-initializer.js");

        assertThat(initializer.statusCode()).isEqualTo(200);
        assertThat(initializer.body()).contains("../openapi.yaml").contains("validatorUrl: null")
                .doesNotContain("petstore");
    }

    @Test
    void givenAPathOutsideTheWebjar_whenRequested_thenTheFallbackAnswers() throws Exception {
        assertThat(get("/docs/no-such-file.js").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
