package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The verdict of the fault, restart and cluster tests on what a read_committed consumer saw after a
 * fault: every forecast request answered once, by the served model, from state that survived; the
 * alerts of an uninterrupted offline replay ({@link OfflineReplay}), each once. Also how those tests
 * wait for output and for the output to stop.
 */
public final class ExactlyOnceVerdict {
    private ExactlyOnceVerdict() {
    }

    /** Each request answered exactly once, none with an error, all by {@code modelVersion}. */
    public static void everyRequestAnsweredOnce(List<ForecastRequest> requests, Collection<Forecast> forecasts,
                                                long modelVersion) {
        Map<String, Forecast> byRequest = new HashMap<>();
        for (Forecast f : forecasts) {
            assertEquals(null, byRequest.put(f.getRequestId(), f), "answered twice: " + f.getRequestId());
            assertEquals(null, f.getError(), "the series kept its state through the fault: " + f.getRequestId());
            assertEquals(modelVersion, f.getModelVersion(), "the served model came back with the state");
        }
        assertEquals(requests.stream().map(ForecastRequest::getRequestId).sorted().toList(),
                byRequest.keySet().stream().sorted().toList(), "every request answered once");
    }

    /** The alerts are the replay's {@code expected} ("seriesId@eventMillis", sorted), each once, and there are some. */
    public static void alertsOfTheReplay(List<String> expected, Collection<AnomalyAlert> alerts) {
        assertFalse(expected.isEmpty(), "the stream must raise alerts, or exactly-once of alerts proves nothing");
        assertTrue(alerts.stream().allMatch(a -> a.getKind() == AlertKind.ANOMALY), "no model errors: " + alerts);
        assertEquals(expected, alerts.stream().map(a -> a.getSeriesId() + "@" + a.getEventTime().toEpochMilli())
                .sorted().toList(), "the alerts of an uninterrupted replay, each once");
    }

    /** Polls {@code condition} every 100 ms for up to 2 minutes; fails at once on a topic follower's problem. */
    public static void await(Collection<String> problems, BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!condition.getAsBoolean()) {
            assertTrue(problems.isEmpty(), "topic followers: " + problems);
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Until neither collection received anything for 3 s (several checkpoint intervals). */
    public static void quiet(Collection<?> a, Collection<?> b) throws InterruptedException {
        int last = -1;
        while (a.size() + b.size() != last) {
            last = a.size() + b.size();
            Thread.sleep(3_000);
        }
    }
}
