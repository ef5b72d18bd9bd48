package io.imgpipe.gateway.upload;

import io.imgpipe.gateway.http.ApiException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadAuthTest {

    private static final String DIGEST = HexFormat.of().formatHex(UploadAuth.sha256("s3cret"));

    @Test
    void withoutConfiguredTokensEveryUploadIsAllowed() {
        assertThatCode(() -> new UploadAuth(Set.of()).check(exchange(null))).doesNotThrowAnyException();
    }

    @Test
    void theRightBearerTokenIsAccepted() {
        assertThatCode(() -> new UploadAuth(Set.of(DIGEST)).check(exchange("Bearer s3cret"))).doesNotThrowAnyException();
    }

    @Test
    void aMissingWrongOrNonBearerCredentialIs401() {
        UploadAuth auth = new UploadAuth(Set.of(DIGEST));
        for (String header : new String[]{null, "Bearer wrong", "Basic czNjcmV0", "Bearer ", "s3cret"}) {
            HttpServerExchange ex = exchange(header);
            assertThatThrownBy(() -> auth.check(ex)).as(String.valueOf(header))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(401));
        }
    }

    private static HttpServerExchange exchange(String authorization) {
        HttpServerExchange ex = new HttpServerExchange(null);
        if (authorization != null) {
            ex.getRequestHeaders().put(Headers.AUTHORIZATION, authorization);
        }
        return ex;
    }
}
