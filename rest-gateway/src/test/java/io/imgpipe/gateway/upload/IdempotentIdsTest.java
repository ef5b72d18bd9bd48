package io.imgpipe.gateway.upload;

import io.imgpipe.contract.ImageId;
import io.imgpipe.gateway.http.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotentIdsTest {

    private static final byte[] SECRET = "server secret, sixteen+".getBytes(StandardCharsets.UTF_8);

    @Test
    void theSameOwnerAndKeyAlwaysNameTheSameImage() {
        IdempotentIds ids = new IdempotentIds(SECRET);

        assertThat(ids.idFor("alice", "k-1")).isEqualTo(ids.idFor("alice", "k-1"));
        assertThat(ids.idFor("alice", "k-1")).isNotEqualTo(ids.idFor("alice", "k-2"));
    }

    @Test
    void twoOwnersWithTheSameKeyNeverShareAnImage_issue12() {
        IdempotentIds ids = new IdempotentIds(null);

        assertThat(ids.idFor("alice", "k-1")).isNotEqualTo(ids.idFor("bob", "k-1"));
    }

    @Test
    void withASecretTheIdCannotBeComputedFromTheKeyAlone_issue12() {
        assertThat(new IdempotentIds(SECRET).idFor(null, "k-1")).isNotEqualTo(ImageId.fromIdempotencyKey("k-1"));
        assertThat(new IdempotentIds(SECRET).idFor("alice", "k-1"))
                .isNotEqualTo(new IdempotentIds(null).idFor("alice", "k-1"));
    }

    @Test
    void withKeysOffAndNoSecretIdsStayAsBeforeSoRetriesAcrossAnUpgradeLandOnTheSameImage() {
        assertThat(new IdempotentIds(null).idFor(null, "k-1")).isEqualTo(ImageId.fromIdempotencyKey("k-1"));
    }

    @Test
    void aMalformedKeyIs400() {
        assertThatThrownBy(() -> new IdempotentIds(null).idFor(null, "has space"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
