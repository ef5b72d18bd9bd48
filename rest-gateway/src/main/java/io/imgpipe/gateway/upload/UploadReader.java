package io.imgpipe.gateway.upload;

import io.imgpipe.gateway.http.ApiException;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.form.FormData;
import io.undertow.server.handlers.form.FormDataParser;
import io.undertow.server.handlers.form.FormParserFactory;
import io.undertow.server.handlers.form.MultiPartParserDefinition;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads an upload from a raw body or a multipart/form-data field {@code file}, refusing more than the limit before
 * reading it all (413) and an empty body (400).
 */
public final class UploadReader {

    private static final long MULTIPART_OVERHEAD = 64 * 1024;
    private final long maxBytes;

    public UploadReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Must run on a blocking worker thread, after every check that needs no body: a client that sent
     * {@code Expect: 100-continue} (curl does for bodies over 1 MB, and waits a second for the answer) is told to send
     * the body only here, so a refusal before this point costs it no upload.
     */
    public Upload read(HttpServerExchange exchange) throws IOException {
        boolean multipart = isMultipart(exchange);
        bytesToHold(exchange);
        if (HttpContinue.requiresContinueResponse(exchange)) {
            HttpContinue.sendContinueResponseBlocking(exchange);
        }
        Upload upload = multipart ? readMultipart(exchange) : readRaw(exchange);
        if (upload.bytes().length == 0) {
            throw new ApiException(400, "empty_body", "the upload is empty; send the image bytes as the body or as the multipart field 'file'");
        }
        return upload;
    }

    /**
     * The most bytes this request's body can hold, from its {@code Content-Length} (413 when that is over the limit)
     * or, when it is sent chunked, the limit itself; what {@link UploadBudget} reserves before the body is read.
     */
    public long bytesToHold(HttpServerExchange exchange) {
        long limit = maxBytes + (isMultipart(exchange) ? MULTIPART_OVERHEAD : 0);
        long declared = exchange.getRequestContentLength();
        if (declared > limit) {
            throw tooLarge();
        }
        return declared >= 0 ? declared : limit;
    }

    private static boolean isMultipart(HttpServerExchange exchange) {
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    private Upload readRaw(HttpServerExchange exchange) throws IOException {
        exchange.setMaxEntitySize(maxBytes + 1);
        byte[] bytes;
        long declared = exchange.getRequestContentLength();
        try (InputStream in = exchange.getInputStream()) {
            if (declared >= 0) {
                // One array of the declared size: no growing copies of a large body (G1 humongous allocations).
                bytes = new byte[(int) declared];
                if (in.readNBytes(bytes, 0, bytes.length) < bytes.length) {
                    throw new IOException("short body");
                }
            } else {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
        } catch (IOException e) {
            if (exchange.getRequestContentLength() < 0 && String.valueOf(e.getMessage()).contains("UT000020")) {
                throw tooLarge();
            }
            throw new ApiException(400, "incomplete_body", "the body ended before its Content-Length");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        return new Upload(bytes, filename(exchange));
    }

    private Upload readMultipart(HttpServerExchange exchange) throws IOException {
        exchange.setMaxEntitySize(maxBytes + MULTIPART_OVERHEAD);
        MultiPartParserDefinition multipart = new MultiPartParserDefinition();
        multipart.setMaxIndividualFileSize(maxBytes);
        multipart.setFileSizeThreshold(1024 * 1024);
        multipart.setDefaultEncoding(StandardCharsets.UTF_8.name());
        FormParserFactory factory = FormParserFactory.builder(false).addParsers(multipart).build();
        try (FormDataParser parser = factory.createParser(exchange)) {
            if (parser == null) {
                throw new ApiException(400, "bad_multipart", "the multipart body has no boundary");
            }
            FormData data;
            try {
                data = parser.parseBlocking();
            } catch (MultiPartParserDefinition.FileTooLargeException e) {
                throw tooLarge();
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("UT000020")) {
                    throw tooLarge();
                }
                throw new ApiException(400, "bad_multipart", "the multipart body could not be read");
            }
            FormData.FormValue file = data.getFirst("file");
            if (file == null || !file.isFileItem()) {
                throw new ApiException(400, "missing_file", "the multipart body has no file field named 'file'");
            }
            try (InputStream in = file.getFileItem().getInputStream()) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw tooLarge();
                }
                return new Upload(bytes, cleanName(file.getFileName()));
            }
        }
    }

    private static String filename(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("X-Filename");
        if (header != null) {
            try {
                return cleanName(URLDecoder.decode(header, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "bad_filename", "X-Filename must be percent-encoded UTF-8");
            }
        }
        String disposition = exchange.getRequestHeaders().getFirst(Headers.CONTENT_DISPOSITION);
        if (disposition != null) {
            String name = Headers.extractQuotedValueFromHeader(disposition, "filename");
            return cleanName(name);
        }
        return null;
    }

    /** Keeps only the last path segment, printable characters, at most 200 of them. */
    static String cleanName(String name) {
        if (name == null) {
            return null;
        }
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}\"]", "").trim();
        if (base.isEmpty()) {
            return null;
        }
        return base.length() > 200 ? base.substring(0, 200) : base;
    }

    private ApiException tooLarge() {
        return new ApiException(413, "too_large", "the upload is larger than the limit of " + maxBytes + " bytes");
    }
}
