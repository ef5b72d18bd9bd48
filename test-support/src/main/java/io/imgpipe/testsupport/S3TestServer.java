package io.imgpipe.testsupport;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/**
 * A real S3 server in this JVM: S3Proxy serving the S3 API over HTTP on a loopback port, objects kept in memory
 * (jclouds' transient backend). {@link #stop()} and {@link #start()} again on the same port simulate an outage while
 * keeping the objects.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "imgpipe-test";
    public static final String SECRET_KEY = "imgpipe-test-secret";

    private final BlobStoreContext context;
    private final int port;
    private S3Proxy proxy;

    private S3TestServer(int port) {
        this.port = port;
        this.context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
    }

    /** Starts a server on a free loopback port. */
    public static S3TestServer start() throws Exception {
        S3TestServer server = new S3TestServer(Ports.free());
        server.resume();
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts serving again on the same port with the same objects (after {@link #pause()}). */
    public synchronized void resume() throws Exception {
        if (proxy != null) {
            return;
        }
        S3Proxy p = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true).build();
        p.start();
        if (!Await.until(Duration.ofSeconds(30), p::getState, "STARTED"::equals).equals("STARTED")) {
            p.stop();
            throw new IllegalStateException("S3Proxy did not start on port " + port + " within 30 s");
        }
        proxy = p;
    }

    /** Stops answering (connections are refused) but keeps the objects. */
    public synchronized void pause() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    /** Counts the objects of a bucket, straight from the backend. */
    public long objectCount(String bucket) {
        var store = context.getBlobStore();
        if (!store.containerExists(bucket)) {
            return 0;
        }
        return store.countBlobs(bucket);
    }

    /** Replaces an object's bytes straight in the backend, as a faulty disk or a bad copy would. */
    public void overwrite(String bucket, String key, byte[] bytes) {
        var store = context.getBlobStore();
        store.putBlob(bucket, store.blobBuilder(key).payload(bytes).contentLength(bytes.length).build());
    }

    @Override
    public void close() throws Exception {
        pause();
        context.close();
    }
}
