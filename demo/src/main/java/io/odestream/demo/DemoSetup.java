package io.odestream.demo;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import io.odestream.latent.LevelShift;
import io.odestream.latent.MonitorSettings;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ForecastRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * How {@code odestream demo} watches its series, the forecasts it asks for and how its alerts are
 * matched with the injected anomalies (the end-to-end tests exercise exactly what the demo shows).
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
     * predicts well quiet while a jump of several noise-σ clears it by far. Before a series has its
     * 100 scores it alerts on |z| ≥ 5 (the product's scale-free warm-up), and an open incident lets a
     * far larger surprise through (the product's escalation).
     */
    public static AlertPolicy alertPolicy() {
        return new AlertPolicy(512, 100, 0.01, 12.0, 0.05, 20_000L, 8.0).withWarmUpZ(AlertPolicy.DEFAULT_WARM_UP_Z)
                .withEscalationNats(AlertPolicy.DEFAULT_ESCALATION_NATS);
    }

    /**
     * The demo's alerting: sigma-point scores (the default; 16 samples per score under Monte Carlo), 64
     * samples per forecast, 128 recent observations per series. The pooled warm-up rule
     * ({@link PooledWarmUp}) is off, as in the job: its decisions depend on which series share a
     * subtask and on when watermarks publish the pool, so a restored job or another parallelism can
     * judge a young series differently from an uninterrupted run. The bundled model's shipped warm-up
     * moments ({@link DemoModel#calibrated}) judge young series instead, the same in every run. A
     * series whose level leaves the model's range moves its frame, as in the job
     * ({@link LevelShift#defaults()}).
     */
    public static MonitorSettings monitorSettings() {
        return new MonitorSettings(alertPolicy(), 16, 64, 128).withLevelShift(LevelShift.defaults());
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

    /**
     * How anomaly alerts match the stream's injected anomalies: an alert inside an anomaly's window
     * (or up to {@link #GRACE_MILLIS} after it: the next event of a sparse channel) finds it; any
     * other anomaly alert is a false alarm.
     */
    public record Detection(int alerts, int found, int injected, int falseAlarms) {
        public static final long GRACE_MILLIS = 5_000;

        public static Detection of(DemoStream stream, List<AnomalyAlert> alerts) {
            TreeSet<Integer> found = new TreeSet<>();
            int falseAlarms = 0;
            int count = 0;
            List<DemoStream.InjectedAnomaly> injected = stream.anomalies();
            for (AnomalyAlert a : alerts) {
                if (a.getKind() != AlertKind.ANOMALY) {
                    continue;
                }
                count++;
                long t = a.getEventTime().toEpochMilli();
                boolean hit = false;
                for (int i = 0; i < injected.size(); i++) {
                    DemoStream.InjectedAnomaly an = injected.get(i);
                    if (an.seriesId().equals(a.getSeriesId()) && t >= an.fromMillis() && t <= an.toMillis() + GRACE_MILLIS) {
                        found.add(i);
                        hit = true;
                    }
                }
                falseAlarms += hit ? 0 : 1;
            }
            return new Detection(count, found.size(), injected.size(), falseAlarms);
        }
    }
}
