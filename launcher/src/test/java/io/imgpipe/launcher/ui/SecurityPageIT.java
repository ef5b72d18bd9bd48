package io.imgpipe.launcher.ui;

import io.imgpipe.launcher.Fixtures;
import com.sun.net.httpserver.HttpServer;
import io.imgpipe.launcher.Http;
import io.imgpipe.launcher.Pipeline;
import io.imgpipe.launcher.TestPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 in a real browser: a page of another origin cannot make the browser upload (CSRF), and with API keys on
 * the page asks for a key once per tab, sends it on every call (the event stream and the pictures included) and shows
 * only its owner's gallery. {@code -Dimgpipe.ui.tests=skip} skips it.
 */
class SecurityPageIT {

    private static final String ALICE = "alice-page-key-0123456789";
    private static final String BOB = "bob-page-key-0123456789";
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    final HeadlessChromium browser = new HeadlessChromium();

    private static Pipeline keyed;
    private static HttpServer otherOrigin;

    @BeforeAll
    static void start() throws Exception {
        if ("skip".equalsIgnoreCase(System.getProperty(HeadlessChromium.SWITCH))) {
            return;
        }
        HeadlessChromium.requireBrowser();
        keyed = Pipeline.start(Map.of(
                "IMGPIPE_HTTP_PORT", "0",
                "IMGPIPE_HTTP_HOST", "127.0.0.1",
                "IMGPIPE_TRANSFORMER_THREADS", "2",
                "IMGPIPE_API_KEYS", "alice:" + digest(ALICE) + ",bob:" + digest(BOB)));
        URI open = TestPipeline.shared().baseUrl();
        // A page of another origin (another port) whose form posts to the open gateway as soon as it loads.
        otherOrigin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        otherOrigin.createContext("/", ex -> {
            byte[] page = ("<!doctype html><title>elsewhere</title><form id=f method=post enctype=text/plain action='"
                    + open.resolve("/image") + "'><input name=x value=y></form>"
                    + "<script>document.getElementById('f').submit()</script>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(page);
            }
        });
        otherOrigin.start();
    }

    @AfterAll
    static void stop() {
        if (otherOrigin != null) {
            otherOrigin.stop(0);
        }
        if (keyed != null) {
            keyed.close();
        }
    }

    @Test
    void aFormOnAPageOfAnotherOriginCannotUpload() throws Exception {
        WebDriver driver = browser.desktop(1024, 768);

        driver.get("http://127.0.0.1:" + otherOrigin.getAddress().getPort() + "/");

        UploadPage page = new UploadPage(driver, TestPipeline.shared().baseUrl());
        page.waitUntil(Duration.ofSeconds(15), d -> d.getCurrentUrl().endsWith("/image"), driver::getCurrentUrl);
        page.waitUntil(Duration.ofSeconds(15), d -> d.getPageSource().contains("cross_site"), driver::getPageSource);
        browser.screenshot("cross-site-post-refused");
    }

    @Test
    void withKeysThePageAsksOnceAndShowsOnlyItsOwnersImages() throws Exception {
        Http http = new Http(keyed.baseUrl());
        HttpResponse<byte[]> bobs = http.post("image", Fixtures.bytes("/ui/coffee.png"), "Authorization", "Bearer " + BOB);
        assertThat(bobs.statusCode()).isEqualTo(202);
        String bobsId = Http.json(bobs).get("id").asText();
        WebDriver driver = browser.desktop(1280, 900);

        driver.get(keyed.baseUrl().resolve("/").toString());
        answerPrompt(driver, ALICE);
        UploadPage page = new UploadPage(driver, keyed.baseUrl());
        page.waitUntil(Duration.ofSeconds(20), d -> "true".equals(page.script(
                "return document.documentElement.dataset.ready || ''")), () -> "page not ready");
        assertThat(driver.findElement(By.id("auth-pill")).isDisplayed()).isFalse();

        page.addFiles(fixture("autumn.jpg"));
        page.waitUntilFinal("autumn.jpg", RESULT_TIMEOUT);
        assertThat(page.state(page.card("autumn.jpg"))).isEqualTo("done");
        page.waitUntil(Duration.ofSeconds(10), d -> page.showsPicture(page.card("autumn.jpg")
                .findElement(By.cssSelector(".side-result img"))), () -> "no result picture");
        browser.screenshot("keyed-upload-done");

        page.openGallery();
        page.waitUntil(Duration.ofSeconds(10), d -> !page.tiles().isEmpty(), () -> "empty gallery");
        assertThat(page.tiles()).extracting(t -> t.getDomAttribute("data-id")).doesNotContain(bobsId).hasSize(1);

        driver.navigate().refresh();
        page.waitUntil(Duration.ofSeconds(20), d -> "true".equals(page.script(
                "return document.documentElement.dataset.ready || ''")), () -> "asked again after a reload");
    }

    private static void answerPrompt(WebDriver driver, String key) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                Alert prompt = driver.switchTo().alert();
                prompt.sendKeys(key);
                prompt.accept();
                return;
            } catch (NoAlertPresentException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the page did not ask for a key");
    }

    private static Path fixture(String name) throws Exception {
        return Paths.get(SecurityPageIT.class.getResource("/ui/" + name).toURI());
    }

    private static String digest(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
