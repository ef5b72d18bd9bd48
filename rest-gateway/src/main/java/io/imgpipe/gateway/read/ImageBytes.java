package io.imgpipe.gateway.read;

import io.imgpipe.blob.BlobNotFoundException;
import io.imgpipe.blob.BlobStore;
import io.imgpipe.blob.BlobStoreException;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.gateway.http.ApiException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends an image's bytes with its entity tag, honouring {@code If-None-Match} and a single {@code Range}: from
 * PostgreSQL (the bytes came with the row) or streamed from the object store (the row has the key), or, with
 * {@code IMGPIPE_BLOB_REDIRECT=true}, as a 302 to a presigned URL of the store (for a CDN in front of it).
 */
public final class ImageBytes {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBytes.class);
    private static final int CHUNK = 64 * 1024;

    private final BlobStore store;
    private final boolean redirect;
    private final Duration presignTtl;

    /** @param store null when every byte is in PostgreSQL */
    public ImageBytes(BlobStore store, boolean redirect, Duration presignTtl) {
        this.store = store;
        this.redirect = redirect;
        this.presignTtl = presignTtl;
    }

    /** Bytes from PostgreSQL only (the default deployment). */
    public static ImageBytes inPostgres() {
        return new ImageBytes(null, false, Duration.ZERO);
    }

    /**
     * An original the transformer failed on is never shown inline: a browser would render HTML or script hidden
     * behind an image signature. (Before the outcome is known it is served as the image type it was sniffed as, with
     * nosniff, which no browser renders as a document.)
     */
    void send(HttpServerExchange exchange, String etag, ImageQueries.Stored stored, String name, String cacheControl)
            throws IOException {
        String contentType = stored.inline() ? stored.contentType() : "application/octet-stream";
        if (stored.blob() != null && redirect) {
            redirect(exchange, stored.blob(), contentType);
            return;
        }
        exchange.getResponseHeaders().put(Headers.ETAG, etag);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, cacheControl);
        String ifNoneMatch = exchange.getRequestHeaders().getFirst(Headers.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            exchange.setStatusCode(304);
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, stored.inline()
                ? ImageLinks.inline(name, stored.format()) : ImageLinks.attachment(name, stored.format()));
        exchange.getResponseHeaders().put(Headers.ACCEPT_RANGES, "bytes");
        long size = stored.size();
        Optional<ByteRange> range;
        try {
            range = ifRangeMatches(exchange, etag)
                    ? ByteRange.parse(exchange.getRequestHeaders().getFirst(Headers.RANGE), size) : Optional.empty();
        } catch (ByteRange.Unsatisfiable e) {
            exchange.setStatusCode(416);
            exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, "bytes */" + size);
            exchange.endExchange();
            return;
        }
        long offset = range.map(ByteRange::offset).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        if (range.isPresent()) {
            exchange.setStatusCode(206);
            exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, range.get().contentRange(size));
        }
        if (stored.blob() == null) {
            exchange.getResponseSender().send(ByteBuffer.wrap(stored.bytes(), (int) offset, (int) length));
            return;
        }
        stream(exchange, stored.blob(), offset, length);
    }

    /** {@code If-Range} with another tag asks for the whole entity; the tag of an id never changes, so it rarely does. */
    private static boolean ifRangeMatches(HttpServerExchange exchange, String etag) {
        String ifRange = exchange.getRequestHeaders().getFirst(Headers.IF_RANGE);
        return ifRange == null || ifRange.trim().equals(etag);
    }

    private void stream(HttpServerExchange exchange, BlobRef ref, long offset, long length) throws IOException {
        InputStream in;
        try {
            in = store.open(ref, offset, length);
        } catch (BlobNotFoundException e) {
            LOG.error("event=blob_missing key={}", ref.key());
            throw new ApiException(500, "bytes_missing", "the image's bytes are missing from the object store");
        } catch (BlobStoreException e) {
            LOG.warn("event=blob_read_failed key={} error=\"{}\"", ref.key(), e.getMessage());
            throw new ApiException(503, "unavailable", "the object store cannot be reached; retry", 2);
        }
        // The status and headers go with the first chunk: a store that fails mid-body cuts the response short,
        // which the client sees as a short read against Content-Length, never as a complete image.
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        if (!exchange.isBlocking()) {
            exchange.startBlocking();
        }
        try (in; OutputStream out = exchange.getOutputStream()) {
            byte[] buffer = new byte[CHUNK];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the object store ended '" + ref.key() + "' " + left + " bytes early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private void redirect(HttpServerExchange exchange, BlobRef ref, String contentType) {
        String url = store.presignedGet(ref, contentType, presignTtl)
                .orElseThrow(() -> new IllegalStateException("this object store cannot presign URLs")).toString();
        exchange.setStatusCode(302);
        exchange.getResponseHeaders().put(Headers.LOCATION, url);
        // The URL expires: a cache may keep the redirect for a part of its life only.
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "private, max-age=" + presignTtl.toSeconds() / 2);
        exchange.endExchange();
    }
}
