package io.odestream.job;

import io.odestream.alert.AlertPolicy;
import io.odestream.demo.DemoStream;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.schema.ForecastRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The job settings and forecast requests of {@code odestream demo} (and of the end-to-end test,
 * which must exercise exactly what the demo shows).
 */
public final class DemoSetup {
    /** Horizons of the demo's forecast requests, after their as-of time. */
    public static final Duration[] HORIZONS = {Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    /** Fractions of the stream's span at which each series is asked for a forecast. */
    private static final double[] AS_OF = {0.35, 0.55, 0.75, 0.9};

    private DemoSetup() {
    }

    /**
     * The demo's alerting: calibrated per series after 100 scores (the first ~2 minutes, the
     * stream's anomaly-free warm-up), alpha 1 %, and a floor of 8 nats — a trained model scores
     * ordinary readings of three channels at about −1 to 3 nats, so the floor leaves a series it
     * predicts well quiet while a jump of several noise-σ clears it by far.
     */
    public static AlertPolicy alertPolicy() {
        return new AlertPolicy(512, 100, 0.01, 12.0, 0.05, 20_000L, 8.0);
    }

    public static UpdaterSettings updaterSettings(String modelId, ArtifactVerifier verifier) {
        return UpdaterSettings.defaults(modelId, verifier).withAlertPolicy(alertPolicy()).withSamples(64, 16)
                .withRecentCapacity(128);
    }

    /** For every series, requests as of several points of the stream, each for the demo's horizons. */
    public static List<ForecastRequest> requests(DemoStream stream) {
        long start = stream.config().startMillis();
        long span = stream.config().span().toMillis();
        List<ForecastRequest> out = new ArrayList<>();
        for (double fraction : AS_OF) {
            long asOf = start + (long) (fraction * span);
            for (String series : stream.seriesIds()) {
                List<Instant> times = new ArrayList<>();
                for (Duration h : HORIZONS) {
                    times.add(Instant.ofEpochMilli(asOf + h.toMillis()));
                }
                out.add(ForecastRequest.newBuilder().setRequestId(series + "@" + Instant.ofEpochMilli(asOf))
                        .setSeriesId(series).setQueryTimes(times).setAsOf(Instant.ofEpochMilli(asOf)).build());
            }
        }
        return out;
    }
}
