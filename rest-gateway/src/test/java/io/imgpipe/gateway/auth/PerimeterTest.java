package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.upload.UploadAuth;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerimeterTest {

    private static final ApiKeys KEYS = new ApiKeys(true,
            List.of(new ApiKey("alice", UploadAuth.sha256("a"), false), new ApiKey("ops", UploadAuth.sha256("o"), true)),
            List::of);

    @Test
    void withKeysOnAnApiRouteWithoutAKeyIs401() {
        assertThat(status(KEYS, Methods.GET, "/images", null)).isEqualTo(401);
        assertThat(status(KEYS, Methods.GET, "/image/0123456789abcdef0123456789abcdef", "Bearer nope")).isEqualTo(401);
        assertThat(status(KEYS, Methods.GET, "/events", null)).isEqualTo(401);
        assertThat(status(KEYS, Methods.POST, "/image", null)).isEqualTo(401);
    }

    @Test
    void healthThePageAndSignedLinksNeedNoKey() {
        assertThat(status(KEYS, Methods.GET, "/health/ready", null)).isEqualTo(200);
        assertThat(status(KEYS, Methods.GET, "/", null)).isEqualTo(200);
        assertThat(status(KEYS, Methods.GET, "/app.js", null)).isEqualTo(200);
        assertThat(status(KEYS, Methods.GET, "/s/0123456789abcdef0123456789abcdef", null)).isEqualTo(200);
    }

    @Test
    void metricsNeedAnOperatorKey() {
        assertThat(status(KEYS, Methods.GET, "/metrics", "Bearer a")).isEqualTo(403);
        assertThat(status(KEYS, Methods.GET, "/metrics", "Bearer o")).isEqualTo(200);
    }

    @Test
    void theClusterViewNeedsAKeyAndAnOperatorKey() {
        assertThat(status(KEYS, Methods.GET, "/cluster", null)).isEqualTo(401);
        assertThat(status(KEYS, Methods.GET, "/cluster", "Bearer a")).isEqualTo(403);
        assertThat(status(KEYS, Methods.GET, "/cluster", "Bearer o")).isEqualTo(200);
    }

    @Test
    void theCallerIsAttachedForTheRoutes() throws Exception {
        AtomicReference<Caller> seen = new AtomicReference<>();
        HttpServerExchange ex = exchange(Methods.GET, "/images", "Bearer a");

        new Perimeter(KEYS, e -> seen.set(Perimeter.caller(e))).handleRequest(ex);

        assertThat(seen.get().owner()).isEqualTo("alice");
    }

    @Test
    void withKeysOffEverythingStaysOpen() {
        assertThat(status(ApiKeys.off(), Methods.GET, "/images", null)).isEqualTo(200);
        assertThat(status(ApiKeys.off(), Methods.GET, "/metrics", null)).isEqualTo(200);
    }

    @Test
    void aCrossSiteFormPostIs403WithOrWithoutKeys() {
        for (ApiKeys keys : new ApiKeys[]{ApiKeys.off(), KEYS}) {
            HttpServerExchange fetchMeta = exchange(Methods.POST, "/image", "Bearer a");
            fetchMeta.getRequestHeaders().put(new HttpString("Sec-Fetch-Site"), "cross-site");
            assertThat(status(keys, fetchMeta)).isEqualTo(403);

            HttpServerExchange origin = exchange(Methods.POST, "/image", "Bearer a");
            origin.getRequestHeaders().put(Headers.ORIGIN, "https://evil.example");
            assertThat(status(keys, origin)).isEqualTo(403);

            HttpServerExchange delete = exchange(Methods.DELETE, "/image/0123456789abcdef0123456789abcdef", "Bearer a");
            delete.getRequestHeaders().put(Headers.ORIGIN, "null");
            assertThat(status(keys, delete)).isEqualTo(403);
        }
    }

    @Test
    void theGatewaysOwnPageMayPostWithItsTokenAndNonBrowserClientsWithout() {
        HttpServerExchange page = withToken(exchange(Methods.POST, "/image", null), "t0ken", "t0ken");
        page.getRequestHeaders().put(new HttpString("Sec-Fetch-Site"), "same-origin");
        page.getRequestHeaders().put(Headers.ORIGIN, "http://localhost:8080");
        assertThat(status(ApiKeys.off(), page)).isEqualTo(200);

        HttpServerExchange olderBrowser = withToken(exchange(Methods.POST, "/image", null), "t0ken", "t0ken");
        olderBrowser.getRequestHeaders().put(Headers.ORIGIN, "http://localhost:8080");
        assertThat(status(ApiKeys.off(), olderBrowser)).isEqualTo(200);

        assertThat(status(ApiKeys.off(), exchange(Methods.POST, "/image", null))).isEqualTo(200);
    }

    @Test
    void aSameOriginBrowserWriteWithoutTheMatchingTokenIs403() {
        for (String[] token : new String[][]{{null, null}, {"t0ken", null}, {null, "t0ken"}, {"t0ken", "other"}}) {
            HttpServerExchange ex = withToken(exchange(Methods.POST, "/image", null), token[0], token[1]);
            ex.getRequestHeaders().put(new HttpString("Sec-Fetch-Site"), "same-origin");
            assertThat(status(ApiKeys.off(), ex)).as(token[0] + "/" + token[1]).isEqualTo(403);
        }
    }

    private static HttpServerExchange withToken(HttpServerExchange ex, String cookie, String header) {
        if (cookie != null) {
            ex.getRequestHeaders().put(Headers.COOKIE, "lang=en; " + Perimeter.CSRF_COOKIE + "=" + cookie);
        }
        if (header != null) {
            ex.getRequestHeaders().put(Perimeter.CSRF_HEADER, header);
        }
        return ex;
    }

    private static int status(ApiKeys keys, HttpString method, String path, String authorization) {
        return status(keys, exchange(method, path, authorization));
    }

    private static int status(ApiKeys keys, HttpServerExchange ex) {
        try {
            new Perimeter(keys, e -> { }).handleRequest(ex);
            return 200;
        } catch (ApiException e) {
            return e.status();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpServerExchange exchange(HttpString method, String path, String authorization) {
        HttpServerExchange ex = new HttpServerExchange(null);
        ex.setRequestMethod(method);
        ex.setRequestPath(path);
        ex.getRequestHeaders().put(Headers.HOST, "localhost:8080");
        if (authorization != null) {
            ex.getRequestHeaders().put(Headers.AUTHORIZATION, authorization);
        }
        return ex;
    }

    @Test
    void aKeyIsNeverAcceptedFromAnotherSchemeThanBearer() {
        assertThatThrownBy(() -> new Perimeter(KEYS, e -> { }).handleRequest(exchange(Methods.GET, "/images", "a")))
                .isInstanceOf(ApiException.class);
    }
}
