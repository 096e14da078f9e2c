package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The system's headless chromium driven by its chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}), both named explicitly so that Selenium Manager never looks for, let alone
 * downloads, a browser. Missing, the test fails and says what to install.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Path CHROMIUM = firstExisting("/usr/lib/chromium/chromium", "/usr/bin/chromium");
    private static final Path CHROMEDRIVER = firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    static HeadlessChromium start() {
        if (CHROMIUM == null || CHROMEDRIVER == null) {
            fail("the dashboard's browser tests need the system chromium and its driver: "
                    + "apt-get update && apt-get install -y chromium chromium-driver (.ci/run installs them when missing)");
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,900", "--enable-precise-memory-info", "--js-flags=--expose-gc");
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    WebDriver driver() {
        return driver;
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits until {@code condition} holds on the page (a JavaScript expression), at most {@code timeout}. */
    void waitFor(String condition, Duration timeout) {
        new WebDriverWait(driver, timeout).until((Function<WebDriver, Boolean>) d -> Boolean.TRUE.equals(js("return " + condition)));
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static Path firstExisting(String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
