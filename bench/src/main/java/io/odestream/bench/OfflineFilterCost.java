package io.odestream.bench;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.ScoreMode;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model costs per event with no Flink and no Kafka around it: the updater's per-event work
 * (score with the job's score mode and samples, alert policy, update) on one thread over the benchmark's own
 * events, after a warm-up pass over earlier ones (which also compiles the model code before the
 * model job runs). The operator's histogram measures the same work inside the job, where it shares
 * the cores with Kafka and Flink.
 *
 * @param micros mean µs per event of the timed events
 * @param events how many events were timed
 */
record OfflineFilterCost(double micros, int events) {

    static OfflineFilterCost measure(ModelArtifact artifact, List<Observation> stream, ScoreMode mode, int samples,
                                     AlertPolicy policy, int warmupEvents, int timedEvents) {
        LatentFilter filter = LatentFilter.init(artifact);
        Map<String, FilterState> states = new HashMap<>();
        Map<String, AlertTrack> tracks = new HashMap<>();
        int warm = Math.min(warmupEvents, stream.size() / 2);
        int timed = Math.min(timedEvents, stream.size() - warm);
        double[] x = new double[3];
        boolean[] mask = new boolean[3];
        replay(filter, stream.subList(0, warm), states, tracks, policy, mode, samples, x, mask);
        long start = System.nanoTime();
        replay(filter, stream.subList(warm, warm + timed), states, tracks, policy, mode, samples, x, mask);
        return new OfflineFilterCost((System.nanoTime() - start) / 1e3 / Math.max(1, timed), timed);
    }

    private static void replay(LatentFilter filter, List<Observation> events, Map<String, FilterState> states,
                               Map<String, AlertTrack> tracks, AlertPolicy policy, ScoreMode mode, int samples,
                               double[] x, boolean[] mask) {
        for (Observation o : events) {
            long t = o.getEventTime().toEpochMilli();
            for (int j = 0; j < x.length; j++) {
                Double v = o.getValues().get(j);
                mask[j] = v != null;
                x[j] = v == null ? 0 : v;
            }
            FilterState s = states.get(o.getSeriesId());
            if (s == null) {
                s = filter.start(t);
            }
            AlertTrack track = tracks.computeIfAbsent(o.getSeriesId(), k -> policy.newTrack());
            double score = filter.score(s, t, x, mask, mode, samples, o.getSeriesId().hashCode() ^ t)
                    .negativeLogDensity();
            policy.observe(track, t, score);
            states.put(o.getSeriesId(), filter.update(s, t, x, mask));
        }
    }
}
