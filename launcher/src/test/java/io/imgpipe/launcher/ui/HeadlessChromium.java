package io.imgpipe.launcher.ui;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * A fresh headless Chromium per test, from Debian's {@code chromium} and {@code chromium-driver} packages (nothing is
 * downloaded: Selenium Manager is never asked). Screenshots go to {@code target/screenshots/}: the ones a test takes
 * on the way, and one of the final state of every test, passed or failed.
 *
 * <p>{@code -Dimgpipe.ui.tests=skip} skips the browser tests on purpose; a missing browser otherwise fails them, so a
 * machine without Chromium never looks green.
 */
public final class HeadlessChromium implements BeforeEachCallback, AfterTestExecutionCallback, AfterEachCallback {

    public static final String SWITCH = "imgpipe.ui.tests";
    static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final String CHROMIUM = System.getProperty("imgpipe.ui.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("imgpipe.ui.chromedriver", "/usr/bin/chromedriver");

    private ChromeDriver driver;
    private Path profile;
    private String testName;
    private int shot;

    /** A desktop browser whose viewport is this size. */
    public ChromeDriver desktop(int width, int height) throws IOException {
        return start(width, height, false);
    }

    /** A phone: mobile viewport rules (the page's meta viewport counts), touch, device pixel ratio 1. */
    public ChromeDriver phone(int width, int height) throws IOException {
        return start(width, height, true);
    }

    public ChromeDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("start the browser first with desktop(…) or phone(…)");
        }
        return driver;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Assumptions.assumeFalse("skip".equalsIgnoreCase(System.getProperty(SWITCH)),
                "browser tests switched off with -D" + SWITCH + "=skip");
        requireBrowser();
        testName = context.getRequiredTestMethod().getName();
        shot = 0;
        // Screenshots of an earlier run of this test would mix with this run's.
        if (Files.isDirectory(SCREENSHOTS)) {
            try (DirectoryStream<Path> old = Files.newDirectoryStream(SCREENSHOTS, testName + "-*.png")) {
                for (Path p : old) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private ChromeDriver start(int width, int height, boolean phone) throws IOException {
        if (driver != null) {
            throw new IllegalStateException("one browser per test");
        }
        profile = Files.createTempDirectory("imgpipe-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + width + "," + height);
        // Exact viewport sizes (a headless window's size is not its viewport's), and phone rules where asked.
        options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                Map.of("width", width, "height", height, "pixelRatio", 1.0, "mobile", phone, "touch", phone)));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        return driver;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (driver != null) {
            screenshot(context.getExecutionException().isPresent() ? "FAILED" : "passed");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            deleteProfile();
        }
    }

    /** Saves what the browser shows as target/screenshots/{test}-{n}-{label}.png and returns the file. */
    public Path screenshot(String label) {
        try {
            Files.createDirectories(SCREENSHOTS);
            shot += 1;
            Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", testName, shot, label));
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (WebDriverException e) {
            // A browser that died cannot be photographed; the test's own failure says why.
            System.err.println("[imgpipe-ui] no screenshot '" + label + "': " + e.getMessage());
            return null;
        }
    }

    /** Console errors of the page so far: script exceptions, CSP violations, failed resources. */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /** Fails, naming the packages to install, when the browser or its driver is missing. */
    public static void requireBrowser() {
        requireExecutable(CHROMIUM, "the Chromium browser");
        requireExecutable(CHROMEDRIVER, "chromedriver");
    }

    private static void requireExecutable(String path, String what) {
        if (!Files.isExecutable(Paths.get(path))) {
            throw new IllegalStateException(what + " is not installed at " + path
                    + ": run 'apt-get install -y chromium chromium-driver' (CI does), or pass -D" + SWITCH
                    + "=skip to skip the browser tests on purpose");
        }
    }

    private void deleteProfile() {
        if (profile == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // Chromium may still be writing as it exits; a leftover temp folder is no test failure.
            System.err.println("[imgpipe-ui] could not delete " + profile + ": " + e);
        } finally {
            profile = null;
        }
    }
}
