package io.odestream.job.forecast;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The job's metrics, in group {@code odestream} of the operator: counters for every outcome (so
 * nothing is dropped without a number going up), the event rate, per-update latency and solver
 * work, and the served model version.
 */
final class UpdaterMetrics {
    final Counter observations;
    final Counter forecasts;
    /** Forecast points refused (before the state, not finite, outside the envelope): never served as numbers. */
    final Counter refusedForecastPoints;
    final Counter anomalyAlerts;
    final Counter lateObservations;
    final Counter maskedValues;
    final Counter rejectedObservations;
    /** Requests over a bound or malformed, answered with {@code error} set. */
    final Counter rejectedRequests;
    /** Records whose handling failed unexpectedly (a bug): accounted for by an alert or an answer, never a crash. */
    final Counter failedRecords;
    /** Series histories of another width than the model's, which cannot be re-encoded and were dropped. */
    final Counter discardedHistories;
    final Counter waitingForModel;
    final Counter solverFailures;
    final Counter rejectedModels;
    final Counter reencodedSeries;
    /** Observations that moved their series' level frame: its values left the model's range (run --level-shift). */
    final Counter levelShifts;
    final Counter expiredSeries;
    final Histogram updateMicros;
    final Histogram evaluationsPerUpdate;
    private volatile long modelVersion = -1;

    UpdaterMetrics(MetricGroup operator) {
        MetricGroup g = operator.addGroup("odestream");
        observations = g.counter("observations");
        g.meter("observationsPerSecond", new MeterView(observations));
        forecasts = g.counter("forecasts");
        refusedForecastPoints = g.counter("refusedForecastPoints");
        anomalyAlerts = g.counter("anomalyAlerts");
        lateObservations = g.counter("lateObservations");
        maskedValues = g.counter("maskedNonFiniteValues");
        rejectedObservations = g.counter("rejectedObservations");
        rejectedRequests = g.counter("rejectedRequests");
        failedRecords = g.counter("failedRecords");
        discardedHistories = g.counter("discardedHistories");
        waitingForModel = g.counter("observationsBeforeAnyModel");
        solverFailures = g.counter("solverFailures");
        rejectedModels = g.counter("rejectedModels");
        reencodedSeries = g.counter("reencodedSeries");
        levelShifts = g.counter("levelShifts");
        expiredSeries = g.counter("expiredSeries");
        updateMicros = g.histogram("updateLatencyMicros", new DescriptiveStatisticsHistogram(2048));
        evaluationsPerUpdate = g.histogram("functionEvaluationsPerUpdate", new DescriptiveStatisticsHistogram(2048));
        g.gauge("modelVersion", () -> modelVersion);
    }

    void modelVersion(long version) {
        modelVersion = version;
    }
}
