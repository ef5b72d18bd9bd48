package io.imgpipe.gateway.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.HttpString;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The API explorer at {@code /docs/}: Swagger UI from its webjar (Maven Central, so nothing is loaded from a CDN) on
 * the gateway's own {@code /openapi.yaml}, under the upload page's Content-Security-Policy. The webjar's files are
 * served as they are except {@code swagger-initializer.js}, which comes from the classpath folder
 * {@code imgpipe-docs}: it points Swagger UI at this API and turns off its online validator (a request to another
 * origin).
 */
public final class ApiExplorer implements HttpHandler {

    private static final HttpString CSP_HEADER = new HttpString("Content-Security-Policy");
    private static final HttpString REFERRER = new HttpString("Referrer-Policy");

    private static final String INITIALIZER = "/swagger-initializer.js";

    private final ResourceHandler webjar;
    private final ResourceHandler ours;

    /** @param notFound what answers a path that is neither ours nor in the webjar */
    public ApiExplorer(HttpHandler notFound) {
        ClassLoader loader = ApiExplorer.class.getClassLoader();
        this.webjar = new ResourceHandler(
                new ClassPathResourceManager(loader, "META-INF/resources/webjars/swagger-ui/" + webjarVersion(loader)),
                notFound)
                .setWelcomeFiles("index.html")
                .setDirectoryListingEnabled(false)
                .setCacheTime(3600);
        this.ours = new ResourceHandler(new ClassPathResourceManager(loader, "imgpipe-docs"), notFound)
                .setDirectoryListingEnabled(false)
                .setCacheTime(60);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.getResponseHeaders().put(CSP_HEADER, StaticPage.CSP);
        exchange.getResponseHeaders().put(REFERRER, "no-referrer");
        (INITIALIZER.equals(exchange.getRelativePath()) ? ours : webjar).handleRequest(exchange);
    }

    /** The webjar's version, from its own Maven metadata, so the dependency's version is written in one place. */
    private static String webjarVersion(ClassLoader loader) {
        String name = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the gateway jar (the swagger-ui webjar)");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
