package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.http.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignedLinksTest {

    private static final byte[] KEY = "a signing key of some length".getBytes(StandardCharsets.UTF_8);
    private static final String PATH = "/s/0123456789abcdef0123456789abcdef";
    private static final long NOW = 1_800_000_000L;
    private final SignedLinks links = new SignedLinks(KEY, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    @Test
    void aLinkVerifiesUntilItExpires() {
        String url = links.sign(PATH, NOW + 60);

        assertThat(links.verify(PATH, param(url, "expires"), param(url, "sig"))).isEqualTo(NOW + 60);
    }

    @Test
    void anExpiredLinkIs403LinkExpired() {
        String url = links.sign(PATH, NOW);

        assertThatThrownBy(() -> links.verify(PATH, param(url, "expires"), param(url, "sig")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo("link_expired"));
    }

    @Test
    void aTamperedPathExpiryOrSignatureIs403() {
        String url = links.sign(PATH, NOW + 60);
        String sig = param(url, "sig");

        for (String[] tampered : new String[][]{
                {PATH.replace("0123", "3210"), String.valueOf(NOW + 60), sig},
                {PATH + "/original", String.valueOf(NOW + 60), sig},
                {PATH, String.valueOf(NOW + 6000), sig},
                {PATH, String.valueOf(NOW + 60), sig.substring(1) + "A"},
                {PATH, null, sig},
                {PATH, "-1", sig}}) {
            assertThatThrownBy(() -> links.verify(tampered[0], tampered[1], tampered[2]))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
    }

    @Test
    void anotherKeySignsDifferently() {
        SignedLinks other = new SignedLinks("another key of some length".getBytes(StandardCharsets.UTF_8),
                Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
        String url = other.sign(PATH, NOW + 60);

        assertThatThrownBy(() -> links.verify(PATH, param(url, "expires"), param(url, "sig")))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void withoutAKeyNoLinkVerifies() {
        SignedLinks off = new SignedLinks(null, Clock.systemUTC());

        assertThat(off.enabled()).isFalse();
        assertThatThrownBy(() -> off.verify(PATH, "1", "x")).isInstanceOf(ApiException.class);
    }

    private static String param(String url, String name) {
        for (String p : url.substring(url.indexOf('?') + 1).split("&")) {
            if (p.startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }
}
