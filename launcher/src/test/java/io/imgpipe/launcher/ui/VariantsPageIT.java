package io.imgpipe.launcher.ui;

import io.imgpipe.launcher.TestPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 on the page: an upload with several variants shows them side by side with their sizes and bytes, and
 * offers a ready {@code <img srcset sizes>} snippet naming each variant's URL and width.
 */
class VariantsPageIT {

    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    final HeadlessChromium browser = new HeadlessChromium();

    private static URI base;

    @BeforeAll
    static void pipeline() {
        if ("skip".equalsIgnoreCase(System.getProperty(HeadlessChromium.SWITCH))) {
            return;
        }
        HeadlessChromium.requireBrowser();
        String given = System.getProperty("imgpipe.ui.baseUrl");
        base = given != null && !given.isBlank() ? URI.create(given) : TestPipeline.shared().baseUrl();
    }

    @Test
    void givenVariantsInTheForm_whenAPhotoIsUploaded_thenItsVariantsAndASrcsetSnippetAreShown() throws IOException {
        // given the page with three presets named as variants
        UploadPage page = new UploadPage(browser.desktop(1280, 900), base).open();
        browser.driver().findElement(By.id("opt-variants")).sendKeys("thumbnail,preview,card");

        // when a photo is uploaded
        page.addFiles(fixture("autumn.jpg"));
        page.waitUntilFinal("autumn.jpg", RESULT_TIMEOUT);

        // then its card lists the three variants, each with its picture, dimensions and bytes
        WebElement card = page.card("autumn.jpg");
        page.waitUntil(RESULT_TIMEOUT, d -> card.findElements(By.cssSelector(".variants .variant-done")).size() == 3,
                () -> "variants shown: " + card.findElements(By.cssSelector(".variants .variant")).size());
        List<WebElement> variants = card.findElements(By.cssSelector(".variants .variant"));
        assertThat(variants).extracting(v -> v.getDomAttribute("data-variant"))
                .containsExactly("thumbnail", "preview", "card");
        for (WebElement v : variants) {
            page.waitUntil(Duration.ofSeconds(15), d -> page.showsPicture(v.findElement(By.tagName("img"))),
                    () -> v.getDomAttribute("data-variant") + ": picture did not load");
        }
        assertThat(UploadPage.text(variants.get(2).findElement(By.className("variant-facts"))))
                .contains("640 × 400").contains("JPEG");
        // and a snippet lets the browser choose among them
        String snippet = UploadPage.text(card.findElement(By.className("srcset-snippet")));
        assertThat(snippet).contains("srcset=").contains("sizes=")
                .contains("/variants/thumbnail 200w").contains("/variants/card 640w").contains("/variants/preview 400w");
        assertThat(UploadPage.text(card.findElement(By.className("card-sub")))).contains("thumbnail, preview, card");
        page.script("arguments[0].scrollIntoView()", card.findElement(By.className("variants")));
        browser.screenshot("variants");
    }

    private static Path fixture(String name) {
        try {
            var url = VariantsPageIT.class.getResource("/ui/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource ui/" + name + " is missing");
            }
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
