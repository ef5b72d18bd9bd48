package io.imgpipe.gateway.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.imgpipe.gateway.auth.Perimeter;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.HttpString;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Serves the upload page ({@code ui/}: the classpath folder {@code imgpipe-ui}) with a Content-Security-Policy that
 * allows nothing from other origins.
 */
public final class StaticPage implements HttpHandler {

    public static final String CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            + "form-action 'self'";
    private static final HttpString CSP_HEADER = new HttpString("Content-Security-Policy");
    private static final HttpString REFERRER = new HttpString("Referrer-Policy");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ResourceHandler resources;

    public StaticPage(HttpHandler notFound) {
        this.resources = new ResourceHandler(new ClassPathResourceManager(StaticPage.class.getClassLoader(), "imgpipe-ui"),
                notFound)
                .setWelcomeFiles("index.html")
                .setDirectoryListingEnabled(false)
                .setCacheTime(60);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.getResponseHeaders().put(CSP_HEADER, CSP);
        exchange.getResponseHeaders().put(REFERRER, "no-referrer");
        if (Perimeter.cookie(exchange, Perimeter.CSRF_COOKIE) == null) {
            // The page's CSRF token (double submit): readable by the page's scripts, never sent by another site.
            byte[] token = new byte[24];
            RANDOM.nextBytes(token);
            exchange.setResponseCookie(new CookieImpl(Perimeter.CSRF_COOKIE,
                    Base64.getUrlEncoder().withoutPadding().encodeToString(token))
                    .setPath("/").setSameSiteMode("Strict"));
        }
        resources.handleRequest(exchange);
    }
}
