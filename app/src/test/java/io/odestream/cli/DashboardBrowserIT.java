package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoStream;
import io.odestream.schema.Observation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The README's demo with its dashboard, in a real headless browser: {@code odestream demo} runs the
 * job on its own broker over the generated stream; the page, opened at the URL the demo prints,
 * must show a series with an injected anomaly — its observations, the latest forecast's band reaching
 * past its last observation, an alert marker at the anomaly's time — read from the page's own state.
 * A class of its own: no other broker runs beside the demo's.
 */
class DashboardBrowserIT {
    private static final int SERIES = 3;
    private static final int MINUTES = 6;
    private static final long SEED = 20240101; // the demo's default, so the test knows where the anomalies are
    private static final Pattern URL = Pattern.compile("dashboard at (http://\\S+/)");
    private static final Pattern INJECTED_ALERT = Pattern.compile("ALERT +(\\S+) .*\\[injected anomaly\\]");

    @Test
    void theDemosDashboardShowsAnAnomalousSeriesWithItsForecastBandAndTheAlertAtTheAnomaly() throws Exception {
        StringWriter output = new StringWriter();
        PrintWriter out = new PrintWriter(output, true);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread demo = new Thread(() -> exit.set(Odestream.commandLine().setOut(out).setErr(out).execute("demo",
                "--series", String.valueOf(SERIES), "--minutes", String.valueOf(MINUTES), "--seed", String.valueOf(SEED),
                "--dashboard-port", "0", "--dashboard-linger", "PT5M")), "demo");
        demo.start();
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            String text = awaitOutput(output, "the dashboard stays up", demo);
            Matcher url = URL.matcher(text);
            assertTrue(url.find(), text);
            Matcher injected = INJECTED_ALERT.matcher(text);
            assertTrue(injected.find(), "the demo found an injected anomaly: " + text);
            String series = injected.group(1);

            browser.driver().get(url.group(1));
            browser.waitFor("window.__odestream && window.__odestream.seriesCount === " + SERIES, Duration.ofSeconds(20));
            WebElement search = browser.driver().findElement(By.id("search"));
            search.sendKeys(series);
            browser.waitFor("window.__odestream.listed().length === 1", Duration.ofSeconds(5));
            browser.driver().findElement(By.cssSelector("#series-list li[data-series-id='" + series + "']")).click();
            browser.waitFor("window.__odestream.chart && window.__odestream.chart.seriesId === '" + series + "'",
                    Duration.ofSeconds(10));
            browser.screenshot(Path.of("target", "dashboard-demo.png"));

            @SuppressWarnings("unchecked")
            Map<String, Object> chart = (Map<String, Object>) browser.js("return window.__odestream.chart");
            DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(SERIES)
                    .withSpan(Duration.ofMinutes(MINUTES)).withSeed(SEED));
            long values = 0;
            long last = Long.MIN_VALUE;
            for (Observation o : stream.observations()) {
                if (o.getSeriesId().equals(series)) {
                    values += o.getValues().stream().filter(v -> v != null).count();
                    last = Math.max(last, o.getEventTime().toEpochMilli());
                }
            }
            assertEquals(values, ((Number) chart.get("observations")).longValue(),
                    "every observed value of the series is a point on the chart");
            assertEquals(last, ((Number) chart.get("lastObservationTime")).longValue());
            assertTrue(((Number) chart.get("bandPoints")).intValue() > 0, "a forecast band is drawn: " + chart);
            assertTrue(((Number) chart.get("forecastUntil")).longValue() > last,
                    "the forecast band reaches past the last observation: " + chart);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> markers = (List<Map<String, Object>>) chart.get("alertMarkers");
            assertFalse(markers.isEmpty(), "alerts are drawn: " + chart);
            assertTrue(markers.stream().anyMatch(m -> "ANOMALY".equals(m.get("kind"))
                            && stream.isAnomalous(series, ((Number) m.get("time")).longValue())),
                    "an alert marker sits at the injected anomaly's time: " + markers + " vs " + stream.anomalies());
            assertEquals(String.valueOf(values), browser.driver().findElement(By.id("chart")).getAttribute("data-observations"));

            int anomaly = 0;
            while (!stream.isAnomalous(series, ((Number) markers.get(anomaly).get("time")).longValue())) {
                anomaly++;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> point = (Map<String, Object>) browser.js("return window.__odestream.markerPoint(" + anomaly + ")");
            new Actions(browser.driver()).moveToLocation(((Number) point.get("x")).intValue(),
                    ((Number) point.get("y")).intValue()).perform();
            browser.waitFor("window.__odestream.tooltip() !== null", Duration.ofSeconds(5));
            String tooltip = (String) browser.js("return window.__odestream.tooltip()");
            assertTrue(tooltip.startsWith("ANOMALY at ") && tooltip.contains("score ") && tooltip.contains("ch0 z "),
                    "hovering the marker shows its kind, score and channel z-scores: " + tooltip);
            browser.screenshot(Path.of("target", "dashboard-demo-hover.png"));
        } finally {
            demo.interrupt(); // ends the demo's linger: it closes its dashboard and broker
            demo.join(Duration.ofSeconds(60).toMillis());
        }
        assertEquals(0, exit.get(), output.toString());
    }

    private static String awaitOutput(StringWriter output, String marker, Thread demo) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (System.nanoTime() < deadline && demo.isAlive()) {
            if (output.toString().contains(marker)) {
                return output.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo did not print '" + marker + "': " + output);
    }
}
