package io.imgpipe.gateway.upload;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.BlobRef;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.OutboundMessage;
import io.imgpipe.contract.Topology;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.contract.format.ImageFormat;
import io.imgpipe.contract.options.BadOptionException;
import io.imgpipe.contract.options.OptionsParser;
import io.imgpipe.contract.options.TransformOptions;
import io.imgpipe.contract.variants.Variant;
import io.imgpipe.contract.variants.VariantRequest;
import io.imgpipe.gateway.auth.Perimeter;
import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.http.Json;
import io.imgpipe.gateway.http.Requests;
import io.imgpipe.gateway.read.ImageLinks;
import io.imgpipe.gateway.read.ImageQueries;
import io.imgpipe.gateway.read.RecentUploads;
import io.imgpipe.runtime.ServiceRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /image}: validate, sniff, publish with a publisher confirm, and answer 202 only once the broker has
 * the upload. With {@code Prefer: wait=N} it also waits on its own reply queue and answers 201 with the result.
 */
public final class UploadHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(UploadHandler.class);
    private static final long CONFIRM_TIMEOUT_SECONDS = 10;

    private final ServiceRuntime runtime;
    private final UploadReader reader;
    private final UploadBudget budget;
    private final OptionsParser options;
    private final QueueDepth queueDepth;
    private final ReplyQueues replies;
    private final RecentUploads recent;
    private final UploadAuth auth;
    private final IdempotentIds idempotentIds;
    private final ImageQueries queries;
    private final int maxWaitSeconds;
    private final ClaimCheck claimCheck;
    private final Timer acceptTimer;
    private final DistributionSummary uploadBytes;
    private final AllVariantsWait allVariants;

    /** How a waiting upload of several variants waits for all of them (they come back one by one). */
    public interface AllVariantsWait {
        /** @return the image's JSON description once every variant named is done or failed; empty after {@code wait} s */
        Optional<Map<String, Object>> awaitAll(String id, Collection<String> names, int wait) throws Exception;
    }

    public UploadHandler(ServiceRuntime runtime, UploadReader reader, UploadBudget budget, OptionsParser options,
                         QueueDepth queueDepth, ReplyQueues replies,
                         RecentUploads recent, UploadAuth auth, IdempotentIds idempotentIds, ImageQueries queries,
                         int maxWaitSeconds) {
        this(runtime, reader, budget, options, queueDepth, replies, recent, auth, idempotentIds, queries, maxWaitSeconds,
                ClaimCheck.none(), (id, names, wait) -> Optional.empty());
    }

    public UploadHandler(ServiceRuntime runtime, UploadReader reader, UploadBudget budget, OptionsParser options,
                         QueueDepth queueDepth, ReplyQueues replies,
                         RecentUploads recent, UploadAuth auth, IdempotentIds idempotentIds, ImageQueries queries,
                         int maxWaitSeconds, ClaimCheck claimCheck, AllVariantsWait allVariants) {
        this.claimCheck = claimCheck;
        this.allVariants = allVariants;
        this.runtime = runtime;
        this.reader = reader;
        this.budget = budget;
        this.options = options;
        this.queueDepth = queueDepth;
        this.replies = replies;
        this.recent = recent;
        this.auth = auth;
        this.idempotentIds = idempotentIds;
        this.queries = queries;
        this.maxWaitSeconds = maxWaitSeconds;
        this.acceptTimer = Timer.builder("imgpipe.gateway.accept").description("Upload received to 202 sent")
                .publishPercentileHistogram().register(runtime.registry());
        this.uploadBytes = DistributionSummary.builder("imgpipe.gateway.upload.bytes").baseUnit("bytes")
                .register(runtime.registry());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long t0 = System.nanoTime();
        auth.check(exchange);
        TransformOptions requested;
        List<Variant> variants = null; // null: plain options, the one variant "default" as before variants existed
        try {
            Map<String, List<String>> query = Requests.query(exchange);
            if (query.containsKey(VariantRequest.PARAMETER)) {
                variants = VariantRequest.parse(options, query);
                requested = options.parseCanonical(variants.get(0).options());
            } else {
                requested = options.parse(query);
            }
        } catch (BadOptionException e) {
            throw new ApiException(400, "bad_option", e.getMessage());
        }
        int wait = Requests.preferWait(exchange, maxWaitSeconds);
        if (queueDepth.overloaded()) {
            outcome("overloaded");
            throw new ApiException(503, "overloaded", "too many images are waiting (" + queueDepth.depth()
                    + " queued); retry later", 5);
        }
        String owner = Perimeter.caller(exchange).owner();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        ImageId keyed = key == null ? null : idempotentIds.idFor(owner, key); // a bad key is a 400 before the body
        UploadBudget.Reservation held;
        try {
            held = budget.reserve(reader.bytesToHold(exchange));
        } catch (ApiException e) {
            outcome(e.error());
            throw e;
        }
        try (held) {
            accept(exchange, t0, requested, variants, wait, owner, keyed, held);
        }
    }

    /** Reads, publishes and answers an upload whose bytes {@code held} reserves until the broker confirmed it. */
    private void accept(HttpServerExchange exchange, long t0, TransformOptions requested, List<Variant> variants,
                        int wait, String owner, ImageId keyed, UploadBudget.Reservation held) throws Exception {
        boolean several = variants != null && variants.size() > 1;
        Upload upload = reader.read(exchange); // answers Expect: 100-continue, so every check above comes first
        ImageFormat format = ImageFormat.sniff(upload.bytes()).orElseThrow(() -> {
            outcome("unsupported_format");
            return new ApiException(415, "unsupported_format",
                    "not an image this service reads; send JPEG, PNG, GIF, WebP, BMP, TIFF, HEIC or AVIF");
        });
        uploadBytes.record(upload.bytes().length);

        // Only a keyed upload can be named again (a random id cannot), so only its body's digest is ever compared.
        byte[] digest = keyed == null ? null : UploadAuth.sha256(upload.bytes());
        ImageId id = keyed == null ? ImageId.random() : boundToBody(keyed, digest);
        String trace = Traceparent.continueOrStart(exchange.getRequestHeaders().getFirst(MessageHeaders.TRACEPARENT));
        Instant now = Instant.now();
        try (ReplyQueues.Reply reply = wait > 0 && !several ? openReply() : null) {
            var message = ImageMessages.submitted(id, trace, now, format, requested.toQuery(), upload.filename(),
                    owner, upload.bytes(), reply == null ? null : reply.queue());
            if (variants != null) {
                message = ImageMessages.withVariants(message, variants);
            }
            // The bytes are durable in the object store before the message that names them is published; a crash
            // between the two leaves an object nobody references, which save2db's sweep removes after its grace.
            confirm(id, claimCheck.apply(message, upload.bytes()));
            held.close(); // the broker has the bytes: a waiting request holds no budget
            recent.accepted(id.value(), owner, digest);
            runtime.activity(ActivityEvent.now(id, "gateway", "accepted", trace, Map.of(
                    "format", format.key(), "bytes", upload.bytes().length, "options", requested.asMap(),
                    "filename", upload.filename() == null ? "" : upload.filename(),
                    "owner", owner == null ? "" : owner,
                    "variants", variants == null ? List.of() : variants.stream().map(Variant::name).toList())));
            acceptTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            outcome("accepted");
            LOG.info("event=accepted image_id={} trace_id={} format={} bytes={} wait={}", id, Traceparent.traceId(trace),
                    format.key(), upload.bytes().length, wait);
            exchange.getResponseHeaders().put(Headers.LOCATION, ImageLinks.self(id.value()));
            exchange.getResponseHeaders().put(new HttpString("traceparent"), trace);
            if (several && wait > 0) {
                exchange.getResponseHeaders().put(new HttpString("Preference-Applied"), "wait=" + wait);
                Optional<Map<String, Object>> all = allVariants.awaitAll(id.value(),
                        variants.stream().map(Variant::name).toList(), wait);
                if (all.isPresent()) {
                    Json.send(exchange, 201, all.get());
                    return;
                }
            }
            if (reply != null) {
                exchange.getResponseHeaders().put(new HttpString("Preference-Applied"), "wait=" + wait);
                InboundMessage result = awaitReply(reply, wait);
                if (result != null) {
                    answerWithResult(exchange, id, result);
                    return;
                }
            }
            Json.send(exchange, 202, Json.object("id", id.value(), "status", "queued", "links", ImageLinks.of(id.value())));
        }
    }

    /**
     * The id the client's {@code Idempotency-Key} names for its owner, so that retries are harmless. The key is bound
     * to the body: the same key with other bytes is a 409, never somebody else's image.
     */
    private ImageId boundToBody(ImageId id, byte[] digest) throws SQLException {
        byte[] earlier = recent.get(id.value()).map(RecentUploads.Accepted::sha256).orElse(null);
        if (earlier == null) {
            var stored = queries.ownershipWithDigest(id.value());
            if (stored.isPresent() && stored.get().deleted()) {
                throw conflict("this Idempotency-Key named an image that was deleted; use a new key");
            }
            earlier = stored.map(ImageQueries.Ownership::sha256).orElse(null);
        }
        if (earlier != null && !MessageDigest.isEqual(earlier, digest)) {
            throw conflict("this Idempotency-Key was used for a different body; use a new key for a new upload");
        }
        return id;
    }

    private ApiException conflict(String message) {
        outcome("idempotency_conflict");
        return new ApiException(409, "idempotency_conflict", message);
    }

    private ReplyQueues.Reply openReply() {
        try {
            return replies.open();
        } catch (IOException | RuntimeException e) {
            outcome("unavailable");
            throw new ApiException(503, "unavailable", "the broker could not open a reply queue; retry", 2);
        }
    }

    private void confirm(ImageId id, OutboundMessage message) {
        try {
            runtime.publisher().publish(message).get(CONFIRM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            outcome("unavailable");
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn("event=publish_failed image_id={} error=\"{}\"", id, cause.toString());
            throw new ApiException(503, "unavailable", "the upload could not be handed to the broker; retry", 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "unavailable", "the gateway is shutting down; retry", 2);
        }
    }

    private static InboundMessage awaitReply(ReplyQueues.Reply reply, int wait) throws InterruptedException {
        try {
            return reply.future().get(wait, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        }
    }

    private void answerWithResult(HttpServerExchange exchange, ImageId id, InboundMessage result) {
        if (result.routingKey().startsWith(Topology.FAILED_PREFIX)
                || result.string(MessageHeaders.REASON).isPresent()) {
            Json.send(exchange, 422, Json.object("id", id.value(), "status", "failed",
                    "error", result.string(MessageHeaders.REASON).orElse("failed"), "message", result.bodyText(),
                    "links", ImageLinks.of(id.value())));
            return;
        }
        String format = result.string(MessageHeaders.FORMAT).orElse("");
        if (Requests.acceptsJsonOnly(exchange)) {
            long size = result.blobRef().map(BlobRef::size).orElse((long) result.body().length);
            Json.send(exchange, 201, Json.object("id", id.value(), "status", "done",
                    "result", Json.object("format", format, "width", result.integer(MessageHeaders.WIDTH),
                            "height", result.integer(MessageHeaders.HEIGHT), "bytes", size),
                    "links", ImageLinks.of(id.value())));
            return;
        }
        exchange.setStatusCode(201);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE,
                ImageFormat.fromKey(format).map(ImageFormat::mediaType).orElse("application/octet-stream"));
        exchange.getResponseHeaders().put(Headers.ETAG, ImageLinks.etag(id.value()));
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, ImageLinks.IMMUTABLE);
        exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION,
                ImageLinks.inline(id.value(), format));
        exchange.getResponseSender().send(ByteBuffer.wrap(claimCheck.bytesOf(result)));
    }

    private void outcome(String outcome) {
        Counter.builder("imgpipe.gateway.uploads").tag("outcome", outcome).register(runtime.registry()).increment();
    }
}
