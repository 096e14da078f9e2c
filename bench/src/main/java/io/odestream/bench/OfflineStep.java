package io.odestream.bench;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.SampleSeed;
import io.odestream.latent.InMemorySeries;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.SeriesMonitor;
import io.odestream.schema.Observation;
import java.util.HashMap;
import java.util.Map;

/**
 * The forecasting job's per-series step without Flink or Kafka, for measurements of the alert policy
 * on a whole stream: each observation read as the job reads it (null and non-finite values missing),
 * stepped through {@link SeriesMonitor} with the job's seeds ({@link SampleSeed}). Observations must
 * come in event-time order.
 */
final class OfflineStep {
    private final LatentFilter filter;
    private final SeriesMonitor monitor;
    private final AlertPolicy policy;
    private final Map<String, InMemorySeries> series = new HashMap<>();

    OfflineStep(LatentFilter filter, SeriesMonitor monitor) {
        this.filter = filter;
        this.monitor = monitor;
        this.policy = monitor.settings().alertPolicy();
    }

    SeriesMonitor.Verdict step(Observation o) {
        long t = o.getEventTime().toEpochMilli();
        double[] x = new double[o.getValues().size()];
        boolean[] observed = read(o, x);
        InMemorySeries s = series.computeIfAbsent(o.getSeriesId(), k -> new InMemorySeries(policy.newTrack()));
        return monitor.step(s, filter, t, x, observed, SampleSeed.of(o.getSeriesId(), t));
    }

    /** The series' filter state after its last step (null before its first). */
    io.odestream.latent.FilterState state(String seriesId) {
        InMemorySeries s = series.get(seriesId);
        return s == null ? null : s.state();
    }

    /**
     * The age {@link SeriesMonitor} pools this observation's score under: the scores its series' alert
     * track holds before it (0 for a new series).
     */
    int scoresHeld(Observation o) {
        InMemorySeries s = series.get(o.getSeriesId());
        return s == null ? 0 : s.alerts().size;
    }

    /**
     * The observation's values into {@code x} as the job reads them (null and non-finite: missing,
     * written as 0); returns which channels were observed.
     */
    static boolean[] read(Observation o, double[] x) {
        boolean[] observed = new boolean[x.length];
        for (int j = 0; j < x.length; j++) {
            Double v = o.getValues().get(j);
            observed[j] = v != null && Double.isFinite(v);
            x[j] = observed[j] ? v : 0;
        }
        return observed;
    }
}
