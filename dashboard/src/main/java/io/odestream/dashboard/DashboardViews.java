package io.odestream.dashboard;

import java.util.List;
import java.util.Map;

/**
 * What the page receives, as JSON (Jackson writes these records). Per-channel arrays are
 * {@code Double[]} so that a missing value travels as JSON {@code null}, never as the invalid
 * {@code NaN}. Built per request or per push, never per event.
 */
public final class DashboardViews {
    private DashboardViews() {
    }

    /**
     * One row of the series list. {@code score} is the latest anomaly alert's score, null before any;
     * the sparkline is the first channel's recent values in single precision.
     */
    public record SeriesSummary(String id, Double score, Long alertTime, int alerts, long lastTime, Float[] sparkline) {
    }

    /** The selected series: its kept observations, latest forecast, alerts and the model changes. */
    public record SeriesDetail(String id, List<String> channels, long[] times, Double[][] values,
                               ForecastView forecast, List<AlertView> alerts, List<ModelChange> modelChanges) {
    }

    /**
     * The latest answered forecast, per channel: mean, the 90 % band (q05..q95, as the job computed
     * them) and the 50 % band (mean ± 0.674 σ: the forecast carries no quartiles, so a normal
     * approximation with its standard deviation).
     */
    public record ForecastView(long issuedAt, Long stateTime, long modelVersion, long[] times, Double[][] mean,
                               Double[][] q05, Double[][] q95, Double[][] lo50, Double[][] hi50) {
    }

    /** One alert: what a marker shows on hover. */
    public record AlertView(long time, String kind, double score, double threshold, Double probability,
                            Double[] observed, Double[] z, long modelVersion, String message) {
    }

    /** A change of the served model: a vertical rule at its time. */
    public record ModelChange(long time, long version, String action) {
    }

    /** The served model and its validation metrics; {@code source} says where the dashboard learnt it. */
    public record ServingView(String modelId, long version, String source, Map<String, Double> metrics) {
    }

    /** The strip across the top. */
    public record Strip(double eventsPerSecond, long alertsLastHour, long deadLettersPerMinute, long latePerMinute,
                        ServingView serving, int series, int maxSeries, long evictedSeries, long problems,
                        String lastProblem) {
    }

    /** One push: the strip, the rows that changed since the last push (or all of them), the rows dropped. */
    public record Update(Strip strip, List<SeriesSummary> series, List<String> evicted, boolean full) {
    }
}
