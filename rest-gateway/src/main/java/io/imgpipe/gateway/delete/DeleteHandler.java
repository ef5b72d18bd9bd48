package io.imgpipe.gateway.delete;

import io.imgpipe.contract.ActivityEvent;
import io.imgpipe.contract.MessageHeaders;
import io.imgpipe.contract.ImageId;
import io.imgpipe.contract.ImageMessages;
import io.imgpipe.contract.InboundMessage;
import io.imgpipe.contract.Traceparent;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.gateway.auth.Caller;
import io.imgpipe.gateway.auth.Perimeter;
import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.http.Requests;
import io.imgpipe.gateway.read.ImageQueries;
import io.imgpipe.gateway.read.RecentUploads;
import io.imgpipe.gateway.upload.ReplyQueues;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code DELETE /image/{id}}. The gateway stays read-only on PostgreSQL: it sends save2db, the images' single writer,
 * a delete command on its own reply queue and answers 204 once save2db has committed the delete and its tombstone,
 * then announces {@code gateway.deleted}. Repeating it is harmless.
 */
public final class DeleteHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteHandler.class);
    private static final int ANSWER_SECONDS = 15;

    private final ServiceRuntime runtime;
    private final ReplyQueues replies;
    private final ImageQueries queries;
    private final RecentUploads recent;

    public DeleteHandler(ServiceRuntime runtime, ReplyQueues replies, ImageQueries queries, RecentUploads recent) {
        this.runtime = runtime;
        this.replies = replies;
        this.queries = queries;
        this.recent = recent;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String id = Requests.path(exchange, "id");
        if (!ImageId.isWellFormed(id)) {
            throw new ApiException(400, "bad_id", "an image id is 32 lowercase hex digits");
        }
        Caller caller = Perimeter.caller(exchange);
        Optional<ImageQueries.Ownership> ownership = queries.ownership(id);
        Optional<RecentUploads.Accepted> inFlight = recent.get(id);
        boolean known = ownership.isPresent() || inFlight.isPresent();
        String owner = ownership.map(ImageQueries.Ownership::owner)
                .orElseGet(() -> inFlight.map(RecentUploads.Accepted::owner).orElse(null));
        if (!known || !caller.sees(owner)) {
            throw new ApiException(404, "not_found", "no image with id " + id);
        }
        if (ownership.isPresent() && ownership.get().deleted()) {
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        String trace = Traceparent.continueOrStart(exchange.getRequestHeaders().getFirst(MessageHeaders.TRACEPARENT));
        ImageId imageId = new ImageId(id);
        String outcome;
        try (ReplyQueues.Reply reply = replies.open()) {
            runtime.publisher().publish(ImageMessages.delete(imageId, trace, Instant.now(), caller.owner(),
                    reply.queue())).get(10, TimeUnit.SECONDS);
            InboundMessage answer = reply.future().get(ANSWER_SECONDS, TimeUnit.SECONDS);
            outcome = answer.string(MessageHeaders.REASON).orElse("deleted");
        } catch (TimeoutException | ExecutionException | IOException e) {
            LOG.warn("event=delete_unanswered image_id={} error=\"{}\"", id, e.toString());
            throw new ApiException(503, "unavailable", "the delete was not confirmed in time; retry (it is safe)", 2);
        }
        if (outcome.equals("not_owner")) {
            throw new ApiException(404, "not_found", "no image with id " + id);
        }
        recent.forget(id);
        runtime.activity(ActivityEvent.now(imageId, "gateway", "deleted", trace, Map.of()));
        LOG.info("event=deleted image_id={} trace_id={} outcome={}", id, Traceparent.traceId(trace), outcome);
        exchange.setStatusCode(204);
        exchange.endExchange();
    }
}
