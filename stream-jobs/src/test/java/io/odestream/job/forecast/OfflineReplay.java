package io.odestream.job.forecast;

import io.odestream.alert.AlertDecision;
import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import io.odestream.alert.ConditionalZ;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.classify.RiskHead;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ResidualScorer;
import io.odestream.latent.Score;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeriesMonitor;
import io.odestream.latent.WarmUpCalibration;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The anomaly alerts the job must raise for a stream, computed without Flink or Kafka: each series'
 * observations in event-time order through a {@link LatentFilter} and the alert policy, scored before
 * they are absorbed, with the job's score mode and seeds ({@link PosteriorUpdater#seed}). A young series is
 * judged as the job judges it: by the largest conditional z under the warm-up moments the model ships
 * for the job's score ({@link WarmUpMoments}, those of the series' age: the scores its track held)
 * against the model's shipped warm-up threshold of that age when it ships one ({@link WarmUpThresholds}),
 * when it ships them and there is no residual scorer, else by the plain largest |z|. A job that loses,
 * repeats or forgets state raises other alerts, so this is the yardstick of the fault and restart tests.
 */
public final class OfflineReplay {
    /** The score the job takes unless told otherwise ({@code run --score-mode}); every job test runs it. */
    private static final ScoreMode JOB_SCORE_MODE = MonitorSettings.defaults().scoreMode();

    private OfflineReplay() {
    }

    /** "seriesId@eventMillis" of every alert, sorted. */
    public static List<String> alerts(List<Observation> observations, ModelArtifact model, AlertPolicy policy,
                                      int scoreSamples) {
        return alerts(observations, model, policy, scoreSamples, null);
    }

    /**
     * As above, with the score the job takes with {@code run --scorer cnf}: the residual scorer's
     * value where it gives one (all channels observed), the Gaussian one otherwise.
     */
    public static List<String> alerts(List<Observation> observations, ModelArtifact model, AlertPolicy policy,
                                      int scoreSamples, ResidualScorer residualScorer) {
        LatentFilter filter = LatentFilter.init(model);
        WarmUpCalibration calibration = filter.model().spec().warmUp();
        WarmUpMoments shipped = residualScorer != null || calibration == null ? null
                : calibration.momentsFor(JOB_SCORE_MODE);
        WarmUpThresholds thresholds = shipped == null ? null : calibration.thresholdsFor(JOB_SCORE_MODE);
        ConditionalZ conditional = shipped == null ? null : new ConditionalZ(shipped.channels());
        Map<String, FilterState> states = new HashMap<>();
        Map<String, AlertTrack> tracks = new HashMap<>();
        List<String> alerts = new ArrayList<>();
        List<Observation> ordered = new ArrayList<>(observations);
        ordered.sort(Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        for (Observation o : ordered) {
            long t = o.getEventTime().toEpochMilli();
            boolean[] m = observed(o);
            double[] x = values(o, m);
            FilterState s = states.get(o.getSeriesId());
            if (s == null) { // a series' first observation is absorbed, not scored
                states.put(o.getSeriesId(), filter.update(filter.start(t), t, x, m));
                continue;
            }
            AlertTrack track = tracks.computeIfAbsent(o.getSeriesId(), k -> policy.newTrack());
            Score gaussian = filter.score(s, t, x, m, JOB_SCORE_MODE, scoreSamples,
                    PosteriorUpdater.seed(o.getSeriesId(), t));
            double flow = residualScorer == null ? Double.NaN
                    : residualScorer.negativeLogDensity(gaussian.zScores(), t - s.timeMillis());
            double score = Double.isNaN(flow) ? gaussian.negativeLogDensity() : flow;
            double judgedZ = SeriesMonitor.maxAbsZ(gaussian.zScores());
            double warmUpThreshold = Double.NaN; // the policy's warmUpZ
            if (shipped != null) {
                double c = shipped.judged(conditional, gaussian.zScores(), track.size);
                if (!Double.isNaN(c)) {
                    judgedZ = c;
                    warmUpThreshold = thresholds == null ? Double.NaN : thresholds.forAge(track.size);
                }
            }
            AlertDecision d = policy.observe(track, t, score, judgedZ, warmUpThreshold, null, null);
            if (d.raise()) {
                alerts.add(o.getSeriesId() + "@" + t);
            }
            states.put(o.getSeriesId(), filter.update(s, t, x, m));
        }
        Collections.sort(alerts);
        return alerts;
    }

    /**
     * The risk score the job must emit for every observation, "seriesId@eventMillis" to probability:
     * {@code head} applied to the series' hidden state right after the observation was absorbed.
     */
    public static Map<String, Double> riskScores(List<Observation> observations, ModelArtifact model, RiskHead head) {
        LatentFilter filter = LatentFilter.init(model);
        Map<String, FilterState> states = new HashMap<>();
        Map<String, Double> scores = new HashMap<>();
        List<Observation> ordered = new ArrayList<>(observations);
        ordered.sort(Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        for (Observation o : ordered) {
            long t = o.getEventTime().toEpochMilli();
            boolean[] m = observed(o);
            FilterState s = states.get(o.getSeriesId());
            FilterState next = filter.update(s == null ? filter.start(t) : s, t, values(o, m), m);
            states.put(o.getSeriesId(), next);
            scores.put(o.getSeriesId() + "@" + t, head.probability(next.hidden()));
        }
        return scores;
    }

    /** The observation's values as the job reads them: null and non-finite ones as 0 (and missing). */
    static double[] values(Observation o, boolean[] observed) {
        double[] x = new double[observed.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = observed[j] ? o.getValues().get(j) : 0;
        }
        return x;
    }

    /** Which channels the observation carries: null and non-finite values are missing. */
    static boolean[] observed(Observation o) {
        boolean[] m = new boolean[o.getValues().size()];
        for (int j = 0; j < m.length; j++) {
            Double v = o.getValues().get(j);
            m[j] = v != null && Double.isFinite(v);
        }
        return m;
    }
}
