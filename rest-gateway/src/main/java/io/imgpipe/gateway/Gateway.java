package io.imgpipe.gateway;

import com.zaxxer.hikari.HikariDataSource;
import io.imgpipe.blob.BlobStore;
import io.imgpipe.blob.S3BlobStore;
import io.imgpipe.contract.options.OptionTable;
import io.imgpipe.gateway.auth.ApiKeys;
import io.imgpipe.gateway.auth.KeyTable;
import io.imgpipe.gateway.auth.Perimeter;
import io.imgpipe.gateway.auth.SignedLinks;
import io.imgpipe.gateway.cluster.ClusterMembers;
import io.imgpipe.gateway.cluster.QueueDepths;
import io.imgpipe.gateway.delete.DeleteHandler;
import io.imgpipe.gateway.http.ApiException;
import io.imgpipe.gateway.http.ApiExplorer;
import io.imgpipe.gateway.http.ErrorMapper;
import io.imgpipe.gateway.http.Json;
import io.imgpipe.gateway.http.StaticPage;
import io.imgpipe.gateway.live.ActivityFeed;
import io.imgpipe.gateway.live.CompletionWaiters;
import io.imgpipe.gateway.live.EventStream;
import io.imgpipe.gateway.live.OwnerIndex;
import io.imgpipe.gateway.read.ImageBytes;
import io.imgpipe.gateway.read.ImageHandlers;
import io.imgpipe.gateway.read.ImageQueries;
import io.imgpipe.gateway.read.RecentUploads;
import io.imgpipe.gateway.read.VariantHandlers;
import io.imgpipe.gateway.read.VariantQueries;
import io.imgpipe.gateway.upload.ClaimCheck;
import io.imgpipe.gateway.upload.IdempotentIds;
import io.imgpipe.gateway.upload.QueueDepth;
import io.imgpipe.gateway.upload.ReplyQueues;
import io.imgpipe.gateway.upload.UploadAuth;
import io.imgpipe.gateway.upload.UploadBudget;
import io.imgpipe.gateway.upload.UploadHandler;
import io.imgpipe.gateway.upload.UploadReader;
import io.imgpipe.runtime.ServiceRuntime;
import io.imgpipe.runtime.db.Database;
import io.micrometer.core.instrument.FunctionCounter;
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
import org.xnio.Options;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import java.time.Clock;

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
        RecentUploads recent = new RecentUploads();
        // Images whose result or failure save2db announced moments ago: a reader woken by that event must find it
        // even on a replica that has not replayed the commit yet (only consulted with IMGPIPE_READ_JDBC_URL).
        RecentUploads finished = new RecentUploads();
        ImageQueries queries = readQueries(config, pool, id -> recent.contains(id) || finished.contains(id), runtime,
                registry);
        GatewaySettings.Security security = config.security();
        ApiKeys keys = apiKeys(security, pool, runtime);
        SignedLinks links = new SignedLinks(security.signingKey(), Clock.systemUTC());
        QueueDepth depth = runtime.closeOnExit(new QueueDepth(runtime.connection(), config.queueLimit()).start());
        CompletionWaiters waiters = new CompletionWaiters();
        OwnerIndex owners = new OwnerIndex(id -> {
            try {
                return queries.ownership(id).map(ImageQueries.Ownership::owner).orElse(null);
            } catch (SQLException e) {
                return null;
            }
        });
        EventStream stream = new EventStream(keys, owners, security.streamsPerKey());
        ActivityFeed feed = runtime.closeOnExit(new ActivityFeed());
        feed.addListener(owners::learn);
        if (config.readJdbcUrl() != null) {
            // before the waiters are woken, so that what they read next falls back to the primary if need be
            feed.addListener(e -> {
                if (ActivityFeed.isStored(e) && !"original".equals(e.detail().get("kind"))) {
                    finished.accepted(e.imageId());
                }
            });
        }
        feed.addListener(e -> {
            if (ActivityFeed.isStored(e)) {
                waiters.finished(e.imageId());
            }
        });
        feed.addListener(stream::publish);
        ClusterMembers members = new ClusterMembers(Clock.systemUTC());
        feed.addHeartbeatListener(members::seen);
        QueueDepths queueDepths = runtime.closeOnExit(new QueueDepths(runtime.connection()));
        feed.start(runtime.connection());
        BlobStore blobStore = config.blobs().objectStore() ? runtime.closeOnExit(S3BlobStore.open(config.blobs())) : null;
        ImageHandlers reads = new ImageHandlers(queries, waiters, recent, config.maxWaitSeconds(),
                new ImageBytes(blobStore, config.blobs().redirect(), config.blobs().presignTtl()));
        VariantHandlers variants = new VariantHandlers(reads, queries, new VariantQueries(pool), waiters, recent,
                config.options(), runtime, config.maxWaitSeconds(), config.variantWaitSeconds());
        ReplyQueues replies = new ReplyQueues(runtime.connection());
        UploadBudget budget = new UploadBudget(config.maxInflightUploadBytes());
        Gauge.builder("imgpipe.gateway.upload.inflight.bytes", budget, UploadBudget::reserved)
                .description("Upload bytes held from body to broker confirm").baseUnit("bytes").register(registry);
        UploadHandler upload = new UploadHandler(runtime, new UploadReader(config.maxUploadBytes()), budget,
                config.options(), depth, replies, recent, new UploadAuth(config.uploadTokens()),
                new IdempotentIds(security.signingKey()), queries, config.maxWaitSeconds(),
                blobStore == null ? ClaimCheck.none() : new ClaimCheck(blobStore, config.blobs().inlineMaxBytes()),
                variants::awaitAll);
        DeleteHandler delete = new DeleteHandler(runtime, replies, queries, recent);
        Gauge.builder("imgpipe.gateway.queue.depth", depth, QueueDepth::depth).register(registry);
        Gauge.builder("imgpipe.gateway.sse.connections", stream, EventStream::connections).register(registry);
        Gauge.builder("imgpipe.gateway.waiting", waiters, CompletionWaiters::size).register(registry);

        byte[] openapi = resource("openapi.yaml");
        HttpHandler notFound = ex -> {
            throw new ApiException(404, "not_found", "no such path: " + ex.getRequestPath());
        };
        Map<Route, HttpHandler> handlers = new EnumMap<>(Route.class);
        handlers.put(Route.UPLOAD, upload);
        handlers.put(Route.IMAGE, reads.image());
        handlers.put(Route.ORIGINAL, reads.original());
        handlers.put(Route.META, variants.meta());
        handlers.put(Route.VARIANT, variants.variant());
        handlers.put(Route.IMAGE_EVENTS, reads.events());
        handlers.put(Route.DELETE, delete);
        handlers.put(Route.CREATE_LINK, reads.createLink(links));
        handlers.put(Route.SIGNED, reads.signed(links, false));
        handlers.put(Route.SIGNED_ORIGINAL, reads.signed(links, true));
        handlers.put(Route.SIGNED_VARIANT, variants.signed(links));
        handlers.put(Route.IMAGES, reads.list());
        handlers.put(Route.PRESETS, ex -> Json.send(ex, 200, Json.object("presets", config.options().presets())));
        handlers.put(Route.OPTIONS, ex -> Json.send(ex, 200, Json.object("options", OptionTable.describeAll())));
        handlers.put(Route.OPENAPI, ex -> {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/yaml");
            ex.getResponseSender().send(ByteBuffer.wrap(openapi));
        });
        handlers.put(Route.LIVE, ex -> Json.send(ex, 200, Json.object("status", "up")));
        handlers.put(Route.READY, ex -> {
            boolean broker = runtime.brokerConnected() && feed.isOpen();
            boolean database = queries.reachable();
            boolean belowLimit = !depth.overloaded();
            boolean ready = broker && database && belowLimit;
            Json.send(ex, ready ? 200 : 503, Json.object("status", ready ? "ready" : "not_ready",
                    "broker", broker, "database", database, "queueDepth", depth.depth(),
                    "queueLimit", depth.limit()));
        });
        handlers.put(Route.METRICS, ex -> {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            ex.getResponseSender().send(registry.scrape());
        });
        handlers.put(Route.CLUSTER, ex -> Json.send(ex, 200, Json.object("instances", members.current(),
                "queues", queueDepths.sample())));
        RoutingHandler routes = Route.routing(handlers)
                .setFallbackHandler(new StaticPage(notFound))
                .setInvalidMethodHandler(ex -> {
                    throw new ApiException(405, "method_not_allowed", ex.getRequestMethod() + " is not allowed on "
                            + ex.getRequestPath());
                });
        HttpHandler api = new BlockingHandler(new ErrorMapper(routes));
        HttpHandler root = new ErrorMapper(new Perimeter(keys,
                Handlers.path(api).addExactPath(Route.EVENT_STREAM.path(), stream.handler())
                        .addPrefixPath("/docs", new ApiExplorer(new ErrorMapper(notFound)))));

        Undertow server = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setWorkerThreads(config.workerThreads())
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                // A client that dribbles its headers or pauses in its body is cut off, not waited for.
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, security.headerTimeoutMillis())
                .setSocketOption(Options.READ_TIMEOUT, security.readTimeoutMillis())
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, config.maxUploadBytes() + 64 * 1024)
                .setServerOption(UndertowOptions.MULTIPART_MAX_ENTITY_SIZE, config.maxUploadBytes() + 64 * 1024)
                .setHandler(root)
                .build();
        server.start();
        // It answers without a key: publish it only to the monitoring network (docs/security.md).
        runtime.serveAdmin(security.adminPort(), () -> runtime.brokerConnected() && queries.reachable());
        Gateway gateway = new Gateway(server, runtime);
        LOG.info("event=gateway_started port={} url=http://localhost:{}/ auth={} signed_links={}", gateway.port(),
                gateway.port(), keys.enabled() ? "keys" : "open", links.enabled() ? "on" : "off");
        if (!keys.enabled()) {
            LOG.warn("event=auth_open message=\"no API keys: every image can be listed, read and deleted by anyone who "
                    + "reaches this port; set IMGPIPE_API_KEYS (docs/security.md)\"");
        }
        return gateway;
    }

    /**
     * The queries on the primary, or on the replica of {@code IMGPIPE_READ_JDBC_URL} with the primary behind it for
     * the {@code fresh} ids: what this gateway accepted, or heard finish, moments ago (the replica gets a pool of its
     * own, as large as the primary's, which then serves little).
     */
    private static ImageQueries readQueries(GatewaySettings config, HikariDataSource primary, Predicate<String> fresh,
                                            ServiceRuntime runtime, PrometheusMeterRegistry registry) {
        if (config.readJdbcUrl() == null) {
            return new ImageQueries(primary);
        }
        HikariDataSource replica = runtime.closeOnExit(Database.pool(config.infra().readingFrom(config.readJdbcUrl()),
                "gateway-replica", config.dbPoolSize(), true, registry));
        ImageQueries queries = new ImageQueries(replica, primary, fresh);
        FunctionCounter.builder("imgpipe.gateway.replica.fallbacks", queries, ImageQueries::primaryFallbacks)
                .description("Reads of a just-accepted image the replica did not have yet, answered by the primary")
                .register(registry);
        LOG.info("event=reading_from_replica url={}", config.readJdbcUrl());
        return queries;
    }

    /** Keys from the environment, plus the keys table when keys are on (re-read in the background). */
    private static ApiKeys apiKeys(GatewaySettings.Security security, HikariDataSource pool, ServiceRuntime runtime) {
        if (!security.keysOn()) {
            return ApiKeys.off();
        }
        KeyTable table = runtime.closeOnExit(new KeyTable(pool, security.keysRefreshSeconds()));
        return new ApiKeys(true, security.apiKeys(), table::keys);
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
