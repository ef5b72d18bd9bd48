package io.imgpipe.gateway;

import com.zaxxer.hikari.HikariDataSource;
import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.http.ApiExplorer;
import io.imgpipe.gateway.http.ErrorMapper;
import io.imgpipe.gateway.http.Json;
import io.imgpipe.gateway.http.StaticPage;
import io.imgpipe.gateway.live.ActivityFeed;
import io.imgpipe.gateway.live.CompletionWaiters;
import io.imgpipe.gateway.live.EventStream;
import io.imgpipe.gateway.read.ImageHandlers;
import io.imgpipe.gateway.read.ImageQueries;
import io.imgpipe.gateway.read.RecentUploads;
import io.imgpipe.gateway.upload.QueueDepth;
import io.imgpipe.gateway.upload.ReplyQueues;
import io.imgpipe.gateway.upload.UploadAuth;
import io.imgpipe.gateway.upload.UploadHandler;
import io.imgpipe.gateway.upload.UploadReader;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.db.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** The running gateway: wires the HTTP routes to the broker and the read-only database. */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Undertow server;
    private final ServiceRuntime runtime;

    private Gateway(Undertow server, ServiceRuntime runtime) {
        this.server = server;
        this.runtime = runtime;
    }

    public static Gateway start(GatewaySettings config, PrometheusMeterRegistry registry) throws IOException {
        ServiceRuntime runtime = ServiceRuntime.connect("gateway", config.infra(), registry);
        HikariDataSource pool = runtime.closeOnExit(Database.pool(config.infra(), "gateway", config.dbPoolSize(), true, registry));
        ImageQueries queries = new ImageQueries(pool);
        QueueDepth depth = runtime.closeOnExit(new QueueDepth(runtime.connection(), config.queueLimit()).start());
        CompletionWaiters waiters = new CompletionWaiters();
        EventStream stream = new EventStream();
        ActivityFeed feed = runtime.closeOnExit(new ActivityFeed());
        feed.addListener(e -> {
            if (ActivityFeed.isStored(e)) {
                waiters.finished(e.imageId());
            }
        });
        feed.addListener(stream::publish);
        feed.start(runtime.connection());
        RecentUploads recent = new RecentUploads();
        ImageHandlers reads = new ImageHandlers(queries, waiters, recent, config.maxWaitSeconds());
        UploadHandler upload = new UploadHandler(runtime, new UploadReader(config.maxUploadBytes()), config.options(),
                depth, new ReplyQueues(runtime.connection()), recent, new UploadAuth(config.uploadTokens()),
                config.maxWaitSeconds());
        Gauge.builder("imgpipe.gateway.queue.depth", depth, QueueDepth::depth).register(registry);
        Gauge.builder("imgpipe.gateway.sse.connections", stream, EventStream::connections).register(registry);
        Gauge.builder("imgpipe.gateway.waiting", waiters, CompletionWaiters::size).register(registry);

        byte[] openapi = resource("openapi.yaml");
        HttpHandler notFound = ex -> {
            throw new ApiException(404, "not_found", "no such path: " + ex.getRequestPath());
        };
        RoutingHandler routes = Handlers.routing()
                .post("/image", upload)
                .get("/image/{id}", reads.image())
                .get("/image/{id}/original", reads.original())
                .get("/image/{id}/meta", reads.meta())
                .get("/image/{id}/events", reads.events())
                .get("/images", reads.list())
                .get("/presets", ex -> Json.send(ex, 200, Json.object("presets", config.options().presets())))
                .get("/openapi.yaml", ex -> {
                    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/yaml");
                    ex.getResponseSender().send(ByteBuffer.wrap(openapi));
                })
                .get("/health/live", ex -> Json.send(ex, 200, Json.object("status", "up")))
                .get("/health/ready", ex -> {
                    boolean broker = runtime.brokerConnected() && feed.isOpen();
                    boolean database = queries.reachable();
                    boolean belowLimit = !depth.overloaded();
                    boolean ready = broker && database && belowLimit;
                    Json.send(ex, ready ? 200 : 503, Json.object("status", ready ? "ready" : "not_ready",
                            "broker", broker, "database", database, "queueDepth", depth.depth(),
                            "queueLimit", depth.limit()));
                })
                .get("/metrics", ex -> {
                    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    ex.getResponseSender().send(registry.scrape());
                })
                .setFallbackHandler(new StaticPage(notFound))
                .setInvalidMethodHandler(ex -> {
                    throw new ApiException(405, "method_not_allowed", ex.getRequestMethod() + " is not allowed on "
                            + ex.getRequestPath());
                });
        HttpHandler api = new BlockingHandler(new ErrorMapper(routes));
        HttpHandler root = Handlers.path(api).addExactPath("/events", stream.handler())
                .addPrefixPath("/docs", new ApiExplorer(new ErrorMapper(notFound)));

        Undertow server = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setWorkerThreads(config.workerThreads())
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, config.maxUploadBytes() + 64 * 1024)
                .setServerOption(UndertowOptions.MULTIPART_MAX_ENTITY_SIZE, config.maxUploadBytes() + 64 * 1024)
                .setHandler(root)
                .build();
        server.start();
        Gateway gateway = new Gateway(server, runtime);
        LOG.info("event=gateway_started port={} url=http://localhost:{}/", gateway.port(), gateway.port());
        return gateway;
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static byte[] resource(String name) {
        try (InputStream in = Gateway.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the gateway jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        runtime.close();
    }
}
