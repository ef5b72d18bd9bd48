package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.upload.UploadAuth;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {

    private static final String ALICE_KEY = "alice-secret";
    private static final ApiKey ALICE = new ApiKey("alice", UploadAuth.sha256(ALICE_KEY), false);

    @Test
    void withKeysOffEveryCallerIsOpenAndSeesEverything() {
        Caller c = ApiKeys.off().authenticate((String) null).orElseThrow();

        assertThat(c).isEqualTo(Caller.OPEN);
        assertThat(c.sees("bob")).isTrue();
        assertThat(c.sees(null)).isTrue();
    }

    @Test
    void aConfiguredKeyNamesItsOwnerWhoSeesOnlyItsOwnImages() {
        ApiKeys keys = new ApiKeys(true, List.of(ALICE), List::of);

        Caller c = keys.authenticate("Bearer " + ALICE_KEY).orElseThrow();

        assertThat(c.owner()).isEqualTo("alice");
        assertThat(c.operator()).isFalse();
        assertThat(c.sees("alice")).isTrue();
        assertThat(c.sees("bob")).isFalse();
        assertThat(c.sees(null)).isFalse();
    }

    @Test
    void missingWrongOrNonBearerCredentialsNameNobody() {
        ApiKeys keys = new ApiKeys(true, List.of(ALICE), List::of);

        for (String header : new String[]{null, "", "Bearer ", "Bearer wrong", "Basic YWxpY2U=", ALICE_KEY}) {
            assertThat(keys.authenticate(header)).as(String.valueOf(header)).isEmpty();
        }
    }

    @Test
    void keysOfTheTableCountAsSoonAsTheyAreReadAndStopWhenRevoked() {
        AtomicReference<List<ApiKey>> table = new AtomicReference<>(List.of());
        ApiKeys keys = new ApiKeys(true, List.of(), table::get);
        assertThat(keys.authenticate("Bearer " + ALICE_KEY)).isEmpty();

        table.set(List.of(ALICE));
        assertThat(keys.authenticate("Bearer " + ALICE_KEY)).isPresent();

        table.set(List.of());
        assertThat(keys.authenticate("Bearer " + ALICE_KEY)).isEmpty();
    }

    @Test
    void theEnvironmentSettingParsesOwnersDigestsAndTheOperatorFlag() {
        String digest = HexFormat.of().formatHex(UploadAuth.sha256(ALICE_KEY));

        List<ApiKey> parsed = ApiKey.parseAll("alice:" + digest + ", ops:" + digest.toUpperCase() + ":operator");

        assertThat(parsed).hasSize(2);
        assertThat(parsed.get(1).operator()).isTrue();
        assertThat(new ApiKeys(true, parsed, List::of).authenticate("Bearer " + ALICE_KEY).orElseThrow().owner())
                .isEqualTo("alice");
    }
}
