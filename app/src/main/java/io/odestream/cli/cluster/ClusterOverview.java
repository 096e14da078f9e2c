package io.odestream.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What a Flink cluster's REST endpoint says about itself ({@code GET /overview}): registered
 * TaskManagers, slots, running jobs. Empty while the endpoint does not answer.
 */
public record ClusterOverview(int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Optional<ClusterOverview> of(String restAddress) {
        try {
            JsonNode o = get(restAddress, "/overview");
            return Optional.of(new ClusterOverview(o.path("taskmanagers").asInt(), o.path("slots-total").asInt(),
                    o.path("slots-available").asInt(), o.path("jobs-running").asInt()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A GET on the REST API, as JSON; an {@link IOException} when it does not answer 200. */
    public static JsonNode get(String restAddress, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + restAddress + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public String toString() {
        return taskManagers + " TaskManager(s), " + slotsAvailable + " of " + slotsTotal + " slots free, "
                + jobsRunning + " job(s) running";
    }
}
