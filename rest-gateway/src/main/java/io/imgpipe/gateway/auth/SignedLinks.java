package io.imgpipe.gateway.auth;

import io.imgpipe.gateway.http.ApiException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;

/**
 * Links that share one image (or its original) without a key until they expire: the path and the expiry, signed
 * with HMAC-SHA256 under {@code IMGPIPE_URL_SIGNING_KEY}. Changing either breaks the signature; every gateway with
 * the same key checks every gateway's links.
 */
public final class SignedLinks {

    public static final int MAX_TTL_SECONDS = 7 * 24 * 3600;

    private final byte[] key;
    private final Clock clock;

    /** @param key null: links are off */
    public SignedLinks(byte[] key, Clock clock) {
        this.key = key == null ? null : key.clone();
        this.clock = clock;
    }

    public boolean enabled() {
        return key != null;
    }

    /** @return {@code path?expires=<epoch seconds>&sig=<base64url>} */
    public String sign(String path, long expiresEpochSeconds) {
        return path + "?expires=" + expiresEpochSeconds + "&sig=" + signature(path, expiresEpochSeconds);
    }

    /** @return the expiry; 403 when links are off, the signature does not match or the link expired */
    public long verify(String path, String expires, String sig) {
        if (!enabled() || expires == null || sig == null || !expires.matches("[0-9]{1,12}")) {
            throw new ApiException(403, "bad_signature", "this link is not valid");
        }
        long exp = Long.parseLong(expires);
        byte[] expected = signature(path, exp).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(403, "bad_signature", "this link is not valid");
        }
        if (clock.millis() / 1000 >= exp) {
            throw new ApiException(403, "link_expired", "this link has expired; ask its owner for a new one");
        }
        return exp;
    }

    private String signature(String path, long expires) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, "link\n" + path + "\n" + expires));
    }

    /** HMAC-SHA256, the one keyed digest of the gateway (links, idempotent ids). */
    public static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
