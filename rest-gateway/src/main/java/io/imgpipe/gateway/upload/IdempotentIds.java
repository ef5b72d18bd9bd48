package io.imgpipe.gateway.upload;

import io.imgpipe.contract.ImageId;
import io.imgpipe.gateway.auth.SignedLinks;
import io.imgpipe.gateway.http.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The image id an {@code Idempotency-Key} names. Scoped to the owner, so two owners' keys never name the same image,
 * and keyed with the server secret ({@code IMGPIPE_URL_SIGNING_KEY}) when there is one, so nobody can compute an id
 * offline from a key. With neither (keys off, no secret: the laptop default) it stays the historical unkeyed digest,
 * so clients that resend across an upgrade still land on the same image.
 */
public final class IdempotentIds {

    private final byte[] secret;

    /** @param secret null: no server secret */
    public IdempotentIds(byte[] secret) {
        this.secret = secret == null ? null : secret.clone();
    }

    /** @param owner the caller's owner, null with keys off */
    public ImageId idFor(String owner, String key) {
        if (key.isBlank() || key.length() > 200 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ApiException(400, "bad_option", "Idempotency-Key must be 1 to 200 visible ASCII characters");
        }
        if (owner == null && secret == null) {
            return ImageId.fromIdempotencyKey(key);
        }
        byte[] k = secret != null ? secret : "imgpipe-idempotency-key".getBytes(StandardCharsets.UTF_8);
        byte[] mac = SignedLinks.hmac(k, "idempotency\n" + (owner == null ? "" : owner) + "\n" + key);
        return new ImageId(HexFormat.of().formatHex(mac, 0, 16));
    }
}
