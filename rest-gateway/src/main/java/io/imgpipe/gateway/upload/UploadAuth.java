package io.imgpipe.gateway.upload;

import io.imgpipe.gateway.http.ApiException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Optional bearer tokens for uploads ({@code IMGPIPE_UPLOAD_TOKENS}), kept for deployments that set them before API
 * keys existed: they guard only {@code POST /image} and only with keys off. {@code IMGPIPE_API_KEYS} supersedes them. Tokens are configured as SHA-256 hex digests, so the configuration holds no
 * secret; the presented token is hashed and compared in constant time against each digest.
 */
public final class UploadAuth {

    private final List<byte[]> digests;

    public UploadAuth(Set<String> sha256HexDigests) {
        this.digests = sha256HexDigests.stream().map(d -> HexFormat.of().parseHex(d.toLowerCase())).toList();
    }

    public boolean enabled() {
        return !digests.isEmpty();
    }

    public void check(HttpServerExchange exchange) {
        if (!enabled()) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized(exchange, "uploads need an 'Authorization: Bearer <token>' header");
        }
        byte[] presented = sha256(header.substring(7).trim());
        boolean ok = false;
        for (byte[] d : digests) {
            ok |= MessageDigest.isEqual(d, presented);
        }
        if (!ok) {
            throw unauthorized(exchange, "the bearer token is not valid");
        }
    }

    public static byte[] sha256(String token) {
        return sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiException unauthorized(HttpServerExchange exchange, String message) {
        exchange.getResponseHeaders().put(new HttpString("WWW-Authenticate"), "Bearer realm=\"imgpipe\"");
        return new ApiException(401, "unauthorized", message);
    }
}
