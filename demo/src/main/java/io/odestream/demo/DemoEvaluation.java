package io.odestream.demo;

import io.odestream.alert.AlertPolicy;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.InMemorySeries;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Prediction;
import io.odestream.latent.ResidualScorer;
import io.odestream.latent.Score;
import io.odestream.latent.SeriesMonitor;
import io.odestream.ode.SolverException;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a {@link DemoStream} through a {@link LatentFilter} the way the streaming job does — per
 * event one {@link SeriesMonitor} step: score it from the state before it, then update — and measures what
 * the demo promises: one-step-ahead forecast error against the noise-free truth (beside a
 * last-observed-value baseline) and how the injected anomalies' scores stand out from normal events.
 *
 * <p>Statistics cover the events after the stream's warm-up (the filter settles there). Plain Java,
 * single-threaded, deterministic for a given sample count.
 */
public final class DemoEvaluation {

    /** The highest score any event of an injected anomaly got. */
    public record AnomalyScore(DemoStream.InjectedAnomaly anomaly, double maxScore) {
    }

    /**
     * @param events               events replayed (all of them, warm-up included)
     * @param forecastMae          mean |one-step forecast mean − truth| over the channels of the forecast normal
     *                             events after warm-up (channels seen at least once before; NaN when none)
     * @param lastValueMae         the same for the last observed value of each channel (the naive forecast)
     * @param normalScores         negative log predictive density of every normal event after warm-up (sorted)
     * @param anomalyScores        per injected anomaly, the highest score of its events
     * @param updateMicros         mean time of one {@link LatentFilter#update}, µs
     * @param scoreMicros          mean time of one {@link LatentFilter#score}, µs
     * @param predictMicros        mean time of one single-time {@link LatentFilter#predict}, µs
     */
    public record Result(int events, double forecastMae, double lastValueMae, double[] normalScores,
                         List<AnomalyScore> anomalyScores, double updateMicros, double scoreMicros,
                         double predictMicros) {
        /** The normal events' score below which a share {@code p} of them lies. */
        public double normalQuantile(double p) {
            if (normalScores.length == 0) {
                throw new IllegalStateException("no normal events were scored");
            }
            int i = (int) Math.min(normalScores.length - 1, Math.max(0, Math.ceil(p * normalScores.length) - 1));
            return normalScores[i];
        }

        /** Share of injected anomalies with at least one event scoring above {@code threshold}. */
        public double recall(double threshold) {
            if (anomalyScores.isEmpty()) {
                throw new IllegalStateException("the stream has no injected anomalies");
            }
            return (double) anomalyScores.stream().filter(a -> a.maxScore() > threshold).count() / anomalyScores.size();
        }

        /** Share of normal events after warm-up scoring above {@code threshold}. */
        public double falsePositiveRate(double threshold) {
            int above = normalScores.length - upperIndex(threshold);
            return (double) above / normalScores.length;
        }

        private int upperIndex(double threshold) {
            int i = Arrays.binarySearch(normalScores, threshold);
            if (i < 0) {
                return -i - 1;
            }
            while (i < normalScores.length && normalScores[i] <= threshold) {
                i++;
            }
            return i;
        }
    }

    private DemoEvaluation() {
    }

    /**
     * Replays every observation of {@code stream} in order through a filter for {@code artifact},
     * with {@code samples} posterior samples per score and forecast. Every event is scored; every
     * {@code forecastStride}-th one is also forecast (a forecast summarises its samples into
     * quantiles and costs several scores, so a test may thin them out).
     */
    public static Result replay(ModelArtifact artifact, DemoStream stream, int samples, int forecastStride) {
        return replay(artifact, stream, samples, forecastStride, null, (z, gap) -> { });
    }

    /** Receives the standardised residuals of the normal events after warm-up that had every channel observed. */
    @FunctionalInterface
    public interface ResidualSink {
        void accept(double[] zScores, long gapMillis);
    }

    /**
     * {@link #replay(ModelArtifact, DemoStream, int, int)} with a residual scorer in the monitor (null:
     * the Gaussian score), telling {@code residuals} every normal scored event's residuals.
     */
    public static Result replay(ModelArtifact artifact, DemoStream stream, int samples, int forecastStride,
            ResidualScorer scorer, ResidualSink residuals) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        if (forecastStride < 1) {
            throw new IllegalArgumentException("forecastStride must be >= 1 (1 = forecast every event), got "
                    + forecastStride);
        }
        LatentFilter filter = LatentFilter.init(artifact);
        int c = stream.config().channels();
        if (filter.model().spec().channels() != c) {
            throw new IllegalArgumentException("the model has " + filter.model().spec().channels()
                    + " channels but the stream has " + c + "; generate the stream with channels = "
                    + filter.model().spec().channels());
        }
        long warmupEnd = stream.config().startMillis() + stream.config().warmup().toMillis();
        // The job's rules without its alerting: the replay measures scores, not alerts.
        SeriesMonitor monitor = new SeriesMonitor(new MonitorSettings(AlertPolicy.defaults(), samples, samples, 1),
                scorer);
        TimedRows rows = new TimedRows(filter);
        Map<String, InMemorySeries> series = new HashMap<>();
        Map<String, double[]> lastValues = new HashMap<>();
        List<DemoStream.InjectedAnomaly> anomalies = stream.anomalies();
        Map<String, List<Integer>> anomaliesOf = new HashMap<>();
        for (int a = 0; a < anomalies.size(); a++) {
            anomaliesOf.computeIfAbsent(anomalies.get(a).seriesId(), k -> new ArrayList<>()).add(a);
        }
        double[] maxScore = new double[anomalies.size()];
        Arrays.fill(maxScore, Double.NEGATIVE_INFINITY);

        double[] values = new double[c];
        boolean[] mask = new boolean[c];
        long[] at = new long[1];
        double[] normal = new double[stream.size()];
        int normalCount = 0;
        double forecastError = 0;
        double baselineError = 0;
        long errorTerms = 0;
        long predictNanos = 0;
        long predictions = 0;
        long seed = 0;
        for (Observation o : stream.observations()) {
            String id = o.getSeriesId().toString();
            long t = o.getEventTime().toEpochMilli();
            for (int j = 0; j < c; j++) {
                Double v = o.getValues().get(j);
                mask[j] = v != null;
                values[j] = v == null ? Double.NaN : v;
            }
            InMemorySeries s = series.get(id);
            if (s == null) {
                s = new InMemorySeries(null);
                series.put(id, s);
            } else {
                seed++; // a new seed for every event that is scored
            }
            double[] last = lastValues.computeIfAbsent(id, k -> filled(c));
            SeriesMonitor.Verdict verdict = monitor.step(s, filter, rows, t, values, mask, seed);
            if (verdict.kind() == SeriesMonitor.Kind.SCORED) {
                double score = verdict.score().negativeLogDensity();
                int hit = anomalyIndex(anomalies, anomaliesOf.get(id), id, t);
                if (hit >= 0) {
                    maxScore[hit] = Math.max(maxScore[hit], score);
                } else if (t >= warmupEnd) {
                    normal[normalCount++] = score;
                    if (verdict.score().observedChannels() == c) {
                        residuals.accept(verdict.score().zScores(), t - verdict.update().state().timeMillis());
                    }
                    if (seed % forecastStride == 0) {
                        at[0] = t;
                        long p0 = System.nanoTime();
                        Prediction p = filter.predict(verdict.update().state(), at, samples, seed);
                        predictNanos += System.nanoTime() - p0;
                        predictions++;
                        double[] truth = stream.truth(id, t);
                        for (int j = 0; j < c; j++) {
                            if (!Double.isNaN(last[j])) {
                                forecastError += Math.abs(p.mean()[0][j] - truth[j]);
                                baselineError += Math.abs(last[j] - truth[j]);
                                errorTerms++;
                            }
                        }
                    }
                }
            }
            for (int j = 0; j < c; j++) {
                if (mask[j]) {
                    last[j] = values[j];
                }
            }
        }
        List<AnomalyScore> anomalyScores = new ArrayList<>(anomalies.size());
        for (int a = 0; a < anomalies.size(); a++) {
            anomalyScores.add(new AnomalyScore(anomalies.get(a), maxScore[a]));
        }
        double[] normalScores = Arrays.copyOf(normal, normalCount);
        Arrays.sort(normalScores);
        double terms = errorTerms == 0 ? Double.NaN : errorTerms;
        return new Result(stream.size(), forecastError / terms, baselineError / terms, normalScores,
                List.copyOf(anomalyScores), rows.updateNanos / 1e3 / rows.updates,
                rows.scoreNanos / 1e3 / Math.max(1, rows.scores),
                predictNanos / 1e3 / Math.max(1, predictions));
    }

    /** The JVM filter's score and update, each timed: the replay reports what each costs. */
    private static final class TimedRows implements SeriesMonitor.RowUpdater {
        private final LatentFilter filter;
        long scoreNanos;
        long updateNanos;
        long scores;
        long updates;

        TimedRows(LatentFilter filter) {
            this.filter = filter;
        }

        @Override
        public BatchUpdater.Outcome scoreAndUpdate(ObservationUpdate u) {
            try {
                Score score = null;
                if (u.scored()) {
                    long s0 = System.nanoTime();
                    score = filter.score(u.state(), u.eventTimeMillis(), u.values(), u.mask(), u.scoreSamples(),
                            u.seed());
                    scoreNanos += System.nanoTime() - s0;
                    scores++;
                }
                long u0 = System.nanoTime();
                FilterState next = filter.update(u.state(), u.eventTimeMillis(), u.values(), u.mask());
                updateNanos += System.nanoTime() - u0;
                updates++;
                return new BatchUpdater.Outcome(score, next, null);
            } catch (SolverException e) {
                return BatchUpdater.Outcome.failed(e);
            }
        }
    }

    private static int anomalyIndex(List<DemoStream.InjectedAnomaly> anomalies, List<Integer> ofSeries, String id,
                                    long t) {
        if (ofSeries != null) {
            for (int a : ofSeries) {
                if (anomalies.get(a).covers(id, t)) {
                    return a;
                }
            }
        }
        return -1;
    }

    private static double[] filled(int c) {
        double[] v = new double[c];
        Arrays.fill(v, Double.NaN);
        return v;
    }
}
