package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.upload.UploadAuth;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The keys the gateway accepts: those of {@code IMGPIPE_API_KEYS} plus those of the keys table (re-read in the
 * background by {@link KeyTable}, so a key added or revoked with the admin CLI counts within seconds, no restart).
 */
public final class ApiKeys {

    private final boolean enabled;
    private final List<ApiKey> configured;
    private final Supplier<List<ApiKey>> managed;

    /**
     * @param enabled    keys on: every route but health and the page needs one
     * @param configured keys from the environment
     * @param managed    the latest keys of the table (never blocks)
     */
    public ApiKeys(boolean enabled, List<ApiKey> configured, Supplier<List<ApiKey>> managed) {
        this.enabled = enabled;
        this.configured = List.copyOf(configured);
        this.managed = managed;
    }

    public static ApiKeys off() {
        return new ApiKeys(false, List.of(), List::of);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The caller an {@code Authorization} header names: {@link Caller#OPEN} with keys off, empty when keys are on and
     * the header is missing, not a bearer token, or no key matches.
     */
    public Optional<Caller> authenticate(String authorization) {
        if (!enabled) {
            return Optional.of(Caller.OPEN);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = UploadAuth.sha256(token);
        // Every digest is compared, in constant time each, so the timing tells nothing about which one matched.
        ApiKey match = null;
        for (List<ApiKey> keys : List.of(configured, managed.get())) {
            for (ApiKey k : keys) {
                if (MessageDigest.isEqual(k.digest(), presented) && match == null) {
                    match = k;
                }
            }
        }
        return match == null ? Optional.empty() : Optional.of(new Caller(match.owner(), match.operator()));
    }

    public Optional<Caller> authenticate(HeaderMap headers) {
        return authenticate(headers.getFirst(Headers.AUTHORIZATION));
    }
}
