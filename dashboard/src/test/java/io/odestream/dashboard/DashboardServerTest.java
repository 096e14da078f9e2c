package io.odestream.dashboard;

import static io.odestream.dashboard.Records.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server over HTTP on a free port: the page and everything it loads, the JSON, the event stream. */
class DashboardServerTest {
    // one server for the class (each test uses series of its own): starting Jetty costs seconds on a busy machine
    private static final DashboardModel MODEL = new DashboardModel();
    private static DashboardServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = DashboardServer.start(MODEL, "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void servesThePageAndEveryScriptAndStyleItLoadsFromTheJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page.body());
        List<String> assets = new ArrayList<>();
        while (m.find()) {
            assets.add(m.group(1));
        }
        assertTrue(assets.contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"), "uPlot from its WebJar: " + assets);
        for (String asset : assets) {
            HttpResponse<String> r = get(asset);
            assertEquals(200, r.statusCode(), asset + " is not served");
            assertFalse(r.body().isBlank(), asset);
        }
    }

    @Test
    void theSeriesAreJsonAndAnUnknownSeriesIsANotFoundThatSaysWhy() throws Exception {
        MODEL.observation(observation("pump-7", 1_000, 1.0, 2.0));
        HttpResponse<String> all = get("/api/series");
        assertEquals(200, all.statusCode());
        assertTrue(all.body().contains("\"id\":\"pump-7\""), all.body());
        HttpResponse<String> one = get("/api/series/pump-7");
        assertTrue(one.body().contains("\"channels\":[\"temperature\",\"pressure\"]"), one.body());
        HttpResponse<String> none = get("/api/series/nope");
        assertEquals(404, none.statusCode());
        assertTrue(none.body().contains("no series 'nope'"), none.body());
    }

    @Test
    void aConnectingPageGetsASnapshotThenTheChangesAsServerSentEvents() throws Exception {
        MODEL.observation(observation("first", 1_000, 1.0, 2.0));
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "api/updates"))
                .header("Accept", "text/event-stream").build(); // as a browser's EventSource asks
        HttpResponse<java.io.InputStream> stream = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String type = stream.headers().firstValue("content-type").orElse("none");
        assertTrue(type.contains("text/event-stream"), "content-type " + type + ", headers " + stream.headers().map());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals("event: snapshot", nextEvent(lines));
            String snapshot = lines.readLine();
            assertTrue(snapshot.startsWith("data: ") && snapshot.contains("\"id\":\"first\""), snapshot);
            assertEquals("event: update", nextEvent(lines)); // the first push: whatever changed before it
            lines.readLine();
            MODEL.observation(observation("second", 2_000, 1.0, 2.0));
            String update = "";
            for (int push = 0; push < 10 && !update.contains("second"); push++) {
                assertEquals("event: update", nextEvent(lines));
                update = lines.readLine();
            }
            assertTrue(update.contains("\"id\":\"second\"") && !update.contains("\"id\":\"first\""),
                    "only what changed: " + update);
        }
    }

    private static String nextEvent(BufferedReader lines) throws Exception {
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("event: update") || line.startsWith("event: snapshot")) {
                return line;
            }
        }
        return null;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
