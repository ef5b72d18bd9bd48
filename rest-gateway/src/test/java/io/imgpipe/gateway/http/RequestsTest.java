package io.imgpipe.gateway.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestsTest {

    @Test
    void preferWaitIsReadFromAmongOtherPreferencesAndCappedAtTheMaximum() {
        assertThat(Requests.preferWait(prefer("respond-async, wait=10"), 60)).isEqualTo(10);
        assertThat(Requests.preferWait(prefer("wait=600"), 60)).isEqualTo(60);
        assertThat(Requests.preferWait(prefer("return=minimal"), 60)).isZero();
        assertThat(Requests.preferWait(new HttpServerExchange(null), 60)).isZero();
    }

    @Test
    void malformedPreferWaitIsABadOption() {
        assertThatThrownBy(() -> Requests.preferWait(prefer("wait=soon"), 60))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo("bad_option"));
    }

    @Test
    void waitSecondsMustBeWithinRange() {
        assertThat(Requests.seconds("wait", null, 60)).isZero();
        assertThat(Requests.seconds("wait", "30", 60)).isEqualTo(30);
        for (String bad : new String[]{"-1", "61", "1e3", "", "' OR 1=1"}) {
            assertThatThrownBy(() -> Requests.seconds("wait", bad, 60)).as(bad)
                    .hasMessageContaining("wait must be an integer from 0 to 60");
        }
    }

    private static HttpServerExchange prefer(String value) {
        HttpServerExchange ex = new HttpServerExchange(null);
        ex.getRequestHeaders().put(HttpString.tryFromString("Prefer"), value);
        return ex;
    }
}
