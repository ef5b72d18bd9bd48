package io.imgpipe.launcher.ui;

import io.imgpipe.contract.options.OptionTable;
import io.imgpipe.launcher.TestPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload page (issue #4) in headless Chromium against the one-JVM pipeline: what a person sees from dropping files
 * to their results, the gallery and an image's timeline, in English and Spanish, on a desktop and on a phone.
 *
 * <p>{@code -Dimgpipe.ui.baseUrl=http://host:port/} points the tests at a gateway that is already running instead of
 * starting the pipeline; {@code -Dimgpipe.ui.tests=skip} skips them.
 */
class UploadPageIT {

    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> IMAGES = List.of("grace-hopper.jpg", "autumn.jpg", "coffee.png");
    private static final String NOT_AN_IMAGE = "not-an-image.jpg";
    /** The thumbnail preset: 200 × 200, cropped, JPEG. */
    private static final String PRESET = "thumbnail";

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
    void followsDroppedImagesToTheirResultsThenGalleryAndTimelineInSpanish() throws Exception {
        // given the page, fresh, with the thumbnail preset chosen
        UploadPage page = new UploadPage(browser.desktop(1280, 900), base).open();
        assertThat(page.cards()).isEmpty();
        assertThat(UploadPage.text(browser.driver().findElement(By.id("cards-empty")))).contains("Nothing uploaded yet");
        // the settings form took its ranges from GET /options: the page's markup has no upper bound of its own
        assertThat(browser.driver().findElement(By.id("opt-width")).getDomAttribute("max"))
                .isEqualTo(Integer.toString(OptionTable.MAX_DIMENSION));
        page.choosePreset(PRESET);
        page.script("window.__sameDocument = true");

        // when three images are dropped at once
        page.addFiles(IMAGES.stream().map(UploadPageIT::fixture).toArray(Path[]::new));

        // then each gets a card with its own upload progress bar
        page.waitUntil(Duration.ofSeconds(10), d -> page.cards().size() == 3, () -> "cards: " + page.cardSummary());
        List<WebElement> bars = browser.driver().findElements(By.cssSelector("#cards progress.upload-progress"));
        assertThat(bars).hasSize(3);
        for (WebElement bar : bars) {
            assertThat(bar.getDomAttribute("max")).isEqualTo("100");
            assertThat(bar.getDomAttribute("aria-label")).startsWith("Upload progress of ");
        }
        browser.screenshot("uploading");

        // and each result appears beside its original, live, without reloading
        for (String name : IMAGES) {
            page.waitUntilFinal(name, RESULT_TIMEOUT);
        }
        assertThat(page.script("return window.__sameDocument === true")).isEqualTo(Boolean.TRUE);
        for (String name : IMAGES) {
            WebElement card = page.card(name);
            assertThat(page.state(card)).as(name + " " + page.cardSummary()).isEqualTo("done");
            assertThat(UploadPage.text(card.findElement(By.className("badge")))).isEqualTo("Done");
            assertThat(card.findElement(By.cssSelector("progress")).getDomAttribute("value")).isEqualTo("100");
            WebElement original = card.findElement(By.cssSelector(".side-original img"));
            WebElement result = card.findElement(By.cssSelector(".side-result img"));
            page.waitUntil(Duration.ofSeconds(15), d -> page.showsPicture(original) && page.showsPicture(result),
                    () -> name + ": original or result picture did not load");
            page.waitUntil(Duration.ofSeconds(15), d -> facts(card, "side-result").get("Dimensions").contains("×"),
                    () -> name + ": no result facts " + facts(card, "side-result"));
            assertThat(facts(card, "side-result")).containsEntry("Dimensions", "200 × 200").containsEntry("Format", "JPEG");
            assertThat(facts(card, "side-original").get("Size")).matches("[0-9.,]+ (B|KB)");
            assertThat(facts(card, "side-original").get("Format")).isIn("JPEG", "PNG");
            assertThat(UploadPage.text(card.findElement(By.className("timings")))).contains("Transform", "Total in the pipeline");
            assertThat(card.findElement(By.cssSelector(".side-result a[download]")).getDomAttribute("href"))
                    .matches(".*/image/[0-9a-f]{32}$");
            assertThat(card.findElement(By.cssSelector(".side-original a[download]")).getDomAttribute("href"))
                    .matches(".*/image/[0-9a-f]{32}/original$");
        }
        page.script("document.activeElement.blur(); document.getElementById('results-heading').scrollIntoView()");
        Path shot = browser.screenshot("results");
        Files.copy(shot, HeadlessChromium.SCREENSHOTS.resolve("upload-page.png"), StandardCopyOption.REPLACE_EXISTING);
        List<String> ids = IMAGES.stream().map(name -> imageId(page.card(name))).toList();

        // and a result's link can be copied (reading it back needs the clipboard permission a person would grant)
        browser.driver().executeCdpCommand("Browser.grantPermissions", Map.of(
                "origin", base.resolve("/").toString().replaceAll("/$", ""),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        WebElement copy = page.card(IMAGES.get(0)).findElement(By.cssSelector(".side-result button.link-button"));
        copy.click();
        page.waitUntil(Duration.ofSeconds(5), d -> "Copied".equals(copy.getText()), () -> "copy button says " + copy.getText());
        assertThat(page.script("return navigator.clipboard.readText()"))
                .isEqualTo(base.resolve("/image/" + ids.get(0)).toString());

        // when a file that is not an image is dropped
        page.addFiles(fixture(NOT_AN_IMAGE));
        page.waitUntilFinal(NOT_AN_IMAGE, RESULT_TIMEOUT);

        // then its card says why it failed, with the page's label for the server's code
        WebElement bad = page.card(NOT_AN_IMAGE);
        assertThat(page.state(bad)).isEqualTo("failed");
        assertThat(UploadPage.text(bad.findElement(By.className("badge")))).isEqualTo("Failed");
        assertThat(UploadPage.text(bad.findElement(By.className("error-title")))).isEqualTo("Not a supported image format");
        browser.screenshot("failed-upload");

        // when the reader switches to Spanish
        page.switchLanguage("es");

        // then the page, the cards and the failure reason are in Spanish
        assertThat(page.heading("upload-heading")).isEqualTo("Subir imágenes");
        assertThat(UploadPage.text(page.card(IMAGES.get(0)).findElement(By.className("badge")))).isEqualTo("Lista");
        assertThat(UploadPage.text(bad.findElement(By.className("error-title")))).isEqualTo("No es un formato de imagen admitido");
        assertThat(browser.driver().findElement(By.id("pick-button")).getText()).isEqualTo("Elegir imágenes");
        browser.screenshot("spanish");

        // when the gallery is opened
        page.openGallery();

        // then it lists the three images, newest first, with their results
        assertThat(page.heading("gallery-heading")).isEqualTo("Galería");
        List<String> listed = page.tiles().stream().map(t -> t.getDomAttribute("data-id")).toList();
        assertThat(listed).containsAll(ids);
        for (String id : ids) {
            assertThat(page.tile(id).getDomAttribute("data-state")).isEqualTo("done");
        }
        List<String> created = page.tiles().stream()
                .map(tile -> tile.findElement(By.cssSelector(".tile-date time")).getDomAttribute("datetime")).toList();
        assertThat(created).isSortedAccordingTo(Comparator.reverseOrder());
        browser.screenshot("gallery");

        // and its filter shows only what was asked for
        page.filterGallery("done");
        assertThat(page.tiles()).isNotEmpty()
                .allSatisfy(tile -> assertThat(tile.getDomAttribute("data-state")).isEqualTo("done"));
        page.filterGallery("failed");
        assertThat(page.tiles()).allSatisfy(tile -> assertThat(tile.getDomAttribute("data-state")).isEqualTo("failed"));
        if (page.tiles().isEmpty()) {
            assertThat(UploadPage.text(browser.driver().findElement(By.id("gallery-status"))))
                    .isEqualTo("No hay imágenes fallidas. Bien.");
        }
        page.filterGallery("all");
        assertThat(page.tiles().stream().map(t -> t.getDomAttribute("data-id")).toList()).containsAll(ids);

        // and, when the pipeline keeps more than a page (the other suites of this JVM upload plenty), "Load more"
        // appends the next page after the first, without repeating any
        int firstPage = page.tiles().size();
        if (page.loadMore()) {
            List<String> all = page.tiles().stream().map(t -> t.getDomAttribute("data-id")).toList();
            assertThat(firstPage).isEqualTo(20);
            assertThat(all).hasSizeGreaterThan(firstPage).doesNotHaveDuplicates();
        } else {
            assertThat(firstPage).isLessThanOrEqualTo(20);
        }

        // and an image's activity timeline lists what each service did, oldest first
        String id = ids.get(0);
        page.waitUntil(Duration.ofSeconds(20), d -> {
            page.openTimeline(id);
            List<String> events = timelineEvents(page);
            return events.contains("Transformación terminada") && events.contains("Guardada en la base de datos");
        }, () -> "timeline of " + id + ": " + timelineEvents(page));
        // (the gateway stamps "accepted" after the broker's confirm, so a fast transformer may start a moment earlier)
        assertThat(timelineEvents(page)).contains("Aceptada por la pasarela", "Transformación iniciada",
                "Transformación terminada", "Guardada en la base de datos");
        List<String> times = page.timelineItems().stream()
                .map(item -> item.findElement(By.tagName("time")).getDomAttribute("datetime")).toList();
        assertThat(times).isSorted();
        assertThat(UploadPage.text(browser.driver().findElement(By.id("timeline-title")))).isEqualTo("Cronología de actividad");
        browser.screenshot("timeline");
        page.closeTimeline();

        // and the choices are remembered for the next visit
        page.open();
        assertThat(page.heading("upload-heading")).isEqualTo("Subir imágenes");
        assertThat(page.chosenPreset()).isEqualTo(PRESET);

        assertThat(unexpectedConsoleErrors()).as("browser console").isEmpty();
    }

    @Test
    void fitsAPhoneScreenWithoutHorizontalScroll(@TempDir Path dir) throws IOException {
        // given a 375 px wide phone and a photo with a long camera-style name
        UploadPage page = new UploadPage(browser.phone(375, 800), base).open();
        assertThat(page.viewportWidth()).isEqualTo(375);
        assertThat(page.horizontalOverflow()).as("empty upload page").isLessThanOrEqualTo(0);
        String name = "IMG_20261127_101500_HDR_from_a_phone_camera_with_a_very_long_name.jpg";
        Path photo = Files.copy(fixture("autumn.jpg"), dir.resolve(name));

        // when it is uploaded and finishes
        page.addFiles(photo);
        page.waitUntilFinal(name, RESULT_TIMEOUT);

        // then the card, the gallery and the timeline all fit the width
        page.waitUntil(Duration.ofSeconds(15), d -> page.card(name).findElement(By.className("timings")).isDisplayed());
        assertThat(page.state(page.card(name))).isEqualTo("done");
        assertThat(page.horizontalOverflow()).as("upload page with a result").isLessThanOrEqualTo(0);
        page.script("arguments[0].scrollIntoView()", page.card(name));
        browser.screenshot("phone-upload");
        String id = imageId(page.card(name));

        page.openGallery();
        assertThat(page.horizontalOverflow()).as("gallery").isLessThanOrEqualTo(0);
        browser.screenshot("phone-gallery");

        page.openTimeline(id);
        assertThat(page.horizontalOverflow()).as("timeline").isLessThanOrEqualTo(0);
        browser.screenshot("phone-timeline");
    }

    private static Map<String, String> facts(WebElement card, String side) {
        return card.findElements(By.cssSelector("." + side + " .facts > div")).stream()
                .collect(Collectors.toMap(
                        div -> UploadPage.text(div.findElement(By.tagName("dt"))),
                        div -> UploadPage.text(div.findElement(By.tagName("dd")))));
    }

    private static String imageId(WebElement card) {
        String text = UploadPage.text(card.findElement(By.className("card-id")));
        assertThat(text).matches("id [0-9a-f]{32}");
        return text.substring(3);
    }

    private static List<String> timelineEvents(UploadPage page) {
        return page.timelineItems().stream()
                .map(item -> UploadPage.text(item.findElement(By.className("timeline-event"))))
                .toList();
    }

    /**
     * Script errors and Content-Security-Policy violations. Answers with an error status are left out: the text file
     * gets its 415 on purpose, and images of other suites sharing the pipeline are not this test's business.
     */
    private List<String> unexpectedConsoleErrors() {
        return browser.consoleErrors().stream()
                .filter(message -> !message.contains("Failed to load resource"))
                .toList();
    }

    private static Path fixture(String name) {
        try {
            var url = UploadPageIT.class.getResource("/ui/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource ui/" + name + " is missing");
            }
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
