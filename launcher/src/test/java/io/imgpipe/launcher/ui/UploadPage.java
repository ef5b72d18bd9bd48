package io.imgpipe.launcher.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** What a person does on the upload page, and what they can see, in the words of the page's markup. */
final class UploadPage {

    private static final Duration PAGE_LOAD = Duration.ofSeconds(20);

    private final WebDriver driver;
    private final URI base;

    UploadPage(WebDriver driver, URI base) {
        this.driver = driver;
        this.base = base;
    }

    /** Loads the page and waits until its script has wired everything (html[data-ready]). */
    UploadPage open() {
        driver.get(base.resolve("/").toString());
        waitUntil(PAGE_LOAD, d -> "true".equals(script("return document.documentElement.dataset.ready || ''")));
        return this;
    }

    void choosePreset(String name) {
        new Select(driver.findElement(By.id("opt-preset"))).selectByValue(name);
    }

    String chosenPreset() {
        return new Select(driver.findElement(By.id("opt-preset"))).getFirstSelectedOption().getDomAttribute("value");
    }

    /** Hands files to the page's file input, as the picker or a drop would: all at once, newline-separated. */
    void addFiles(Path... files) {
        String paths = Arrays.stream(files).map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining("\n"));
        driver.findElement(By.id("file-input")).sendKeys(paths);
    }

    List<WebElement> cards() {
        return driver.findElements(By.cssSelector("#cards > li.card"));
    }

    WebElement card(String fileName) {
        return cards().stream()
                .filter(c -> fileName.equals(text(c.findElement(By.className("card-name")))))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no card for " + fileName + "; cards: " + cardSummary()));
    }

    String state(WebElement card) {
        return card.getDomAttribute("data-state");
    }

    /** Each card as name=state, for failure messages. */
    String cardSummary() {
        return cards().stream()
                .map(c -> text(c.findElement(By.className("card-name"))) + "=" + state(c))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    void waitUntilFinal(String fileName, Duration timeout) {
        waitUntil(timeout, d -> {
            String state = state(card(fileName));
            return "done".equals(state) || "failed".equals(state);
        }, () -> fileName + " did not finish; cards: " + cardSummary());
    }

    /** True once the image element has decoded a picture (naturalWidth > 0). */
    boolean showsPicture(WebElement img) {
        Object width = script("return arguments[0].complete ? arguments[0].naturalWidth : 0", img);
        return width instanceof Number n && n.intValue() > 0;
    }

    void switchLanguage(String lang) {
        new Select(driver.findElement(By.id("lang-select"))).selectByValue(lang);
        waitUntil(Duration.ofSeconds(10), d -> lang.equals(script("return document.documentElement.lang")));
    }

    String heading(String id) {
        return text(driver.findElement(By.id(id)));
    }

    void openGallery() {
        driver.findElement(By.id("tab-gallery")).click();
        waitUntil(Duration.ofSeconds(15), d -> driver.findElement(By.id("view-gallery")).isDisplayed()
                && "false".equals(driver.findElement(By.id("gallery-grid")).getDomAttribute("aria-busy")));
    }

    void filterGallery(String status) {
        new Select(driver.findElement(By.id("gallery-filter"))).selectByValue(status);
        waitUntil(Duration.ofSeconds(15),
                d -> "false".equals(driver.findElement(By.id("gallery-grid")).getDomAttribute("aria-busy")));
    }

    /** Clicks "Load more" if it is offered; false when everything is shown already. */
    boolean loadMore() {
        WebElement more = driver.findElement(By.id("gallery-more"));
        if (!more.isDisplayed()) {
            return false;
        }
        script("arguments[0].scrollIntoView({block: 'center'})", more);
        more.click();
        waitUntil(Duration.ofSeconds(15),
                d -> "false".equals(driver.findElement(By.id("gallery-grid")).getDomAttribute("aria-busy")));
        return true;
    }

    List<WebElement> tiles() {
        return driver.findElements(By.cssSelector("#gallery-grid > li.tile"));
    }

    WebElement tile(String imageId) {
        return driver.findElement(By.cssSelector("#gallery-grid > li.tile[data-id='" + imageId + "']"));
    }

    /** Opens an image's activity timeline from its gallery tile and waits for the list (or its empty/error note). */
    WebElement openTimeline(String imageId) {
        WebElement dialog = driver.findElement(By.id("timeline-dialog"));
        if (dialog.isDisplayed()) {
            closeTimeline();
        }
        WebElement button = tile(imageId).findElement(By.cssSelector(".actions button"));
        script("arguments[0].scrollIntoView({block: 'center'})", button);
        button.click();
        waitUntil(Duration.ofSeconds(10), d -> dialog.isDisplayed()
                && "false".equals(driver.findElement(By.id("timeline-list")).getDomAttribute("aria-busy")));
        return dialog;
    }

    List<WebElement> timelineItems() {
        return driver.findElements(By.cssSelector("#timeline-list > li.timeline-item"));
    }

    void closeTimeline() {
        driver.findElement(By.id("timeline-close")).click();
        WebElement dialog = driver.findElement(By.id("timeline-dialog"));
        waitUntil(Duration.ofSeconds(5), d -> !dialog.isDisplayed());
    }

    /** How many CSS pixels the page is wider than the viewport (0 = no horizontal scroll). */
    long horizontalOverflow() {
        Object overflow = script("const root = document.scrollingElement || document.documentElement;"
                + "return Math.max(root.scrollWidth, document.body.scrollWidth) - window.innerWidth;");
        return ((Number) overflow).longValue();
    }

    long viewportWidth() {
        return ((Number) script("return window.innerWidth")).longValue();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    static String text(WebElement el) {
        Object content = el.getDomProperty("textContent");
        return content == null ? "" : content.toString().trim();
    }

    void waitUntil(Duration timeout, Function<WebDriver, Boolean> condition) {
        waitUntil(timeout, condition, () -> "condition not met");
    }

    void waitUntil(Duration timeout, Function<WebDriver, Boolean> condition,
                   Supplier<String> message) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.withMessage(message);
        wait.until(d -> condition.apply(d) ? Boolean.TRUE : null);
    }
}
