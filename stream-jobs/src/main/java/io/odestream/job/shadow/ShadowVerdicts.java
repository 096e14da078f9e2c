package io.odestream.job.shadow;

import java.util.Locale;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides shadow candidates on live data. Keyed by candidate version (the job runs it with
 * parallelism 1, so the gauges speak for the whole job), it sums the scores of each candidate and
 * its served model over the same observations; once {@link ShadowSettings#minObservations()} are in,
 * one verdict per version: PROMOTE when the candidate passes every measure of
 * {@link ShadowSettings#criteria()} (NLL: the served model's mean negative log predictive density
 * exceeds the candidate's by more than {@link ShadowSettings#margin()}; MAE: the candidate's mean
 * absolute error is no higher), REJECT otherwise. Both measures are in every verdict. A PROMOTE goes
 * to the promoter, when there is one.
 *
 * <p>Sums compare against one served version: the newest one seen for the candidate. A score
 * against an older served model is ignored, and a newer served model starts the sums afresh. The
 * decision is keyed state, so a restore never decides a version twice; a failure between a
 * promotion and the next checkpoint can repeat the promotion of the same version, which changes
 * nothing the serving job sees.
 *
 * <p>Metrics (group {@code odestream}): gauges of the candidate scored last (shadowObservations,
 * shadowMeanNllServed, shadowMeanNllCandidate, shadowMaeServed, shadowMaeCandidate,
 * shadowCandidateVersion), counters of verdicts (shadowPromoted, shadowRejected), failed promotions
 * and ignored scores.
 */
public final class ShadowVerdicts extends KeyedProcessFunction<Long, ShadowScore, ShadowVerdict> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ShadowVerdicts.class);
    /** What the job says to its operator: {@code run} prints this logger on stdout. */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.odestream.events");

    private final ShadowSettings settings;
    private transient ValueState<ShadowTally> tallies;
    private transient ShadowPromoter promoter;
    private transient Counter promoted;
    private transient Counter rejected;
    private transient Counter promotionFailures;
    private transient Counter staleScores;
    private transient Counter scoresAfterVerdict;
    private transient Counter invalidScores;
    private transient volatile long observations;
    private transient volatile double meanNllServed = Double.NaN;
    private transient volatile double meanNllCandidate = Double.NaN;
    private transient volatile double maeServed = Double.NaN;
    private transient volatile double maeCandidate = Double.NaN;
    private transient volatile long candidateVersion = -1;

    public ShadowVerdicts(ShadowSettings settings) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required: ShadowSettings.defaults(promoter) to start");
        }
        this.settings = settings;
    }

    /** The key of this operator: the candidate version a score is for. */
    public static final class CandidateVersion implements KeySelector<ShadowScore, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(ShadowScore score) {
            return score.shadowVersion;
        }
    }

    @Override
    public void open(OpenContext context) {
        tallies = getRuntimeContext().getState(new ValueStateDescriptor<>("shadow-tally", ShadowTally.class));
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("odestream");
        g.gauge("shadowObservations", (Gauge<Long>) () -> observations);
        g.gauge("shadowMeanNllServed", (Gauge<Double>) () -> meanNllServed);
        g.gauge("shadowMeanNllCandidate", (Gauge<Double>) () -> meanNllCandidate);
        g.gauge("shadowMaeServed", (Gauge<Double>) () -> maeServed);
        g.gauge("shadowMaeCandidate", (Gauge<Double>) () -> maeCandidate);
        g.gauge("shadowCandidateVersion", (Gauge<Long>) () -> candidateVersion);
        promoted = g.counter("shadowPromoted");
        rejected = g.counter("shadowRejected");
        promotionFailures = g.counter("shadowPromotionFailures");
        staleScores = g.counter("shadowScoresAgainstOldServedVersions");
        scoresAfterVerdict = g.counter("shadowScoresAfterVerdict");
        invalidScores = g.counter("shadowNonFiniteScores");
    }

    @Override
    public void processElement(ShadowScore score, Context ctx, Collector<ShadowVerdict> out) throws Exception {
        ShadowTally tally = tallies.value();
        if (tally == null) {
            tally = new ShadowTally();
        }
        if (tally.decision != null) {
            scoresAfterVerdict.inc(); // evaluators run on until the candidate is retired
            return;
        }
        if (score.servedVersion < tally.servedVersion) {
            staleScores.inc();
            return;
        }
        if (!Double.isFinite(score.servedNll) || !Double.isFinite(score.shadowNll)
                || !Double.isFinite(score.servedAbsError) || !Double.isFinite(score.shadowAbsError)) {
            invalidScores.inc(); // one infinite score would decide the mean alone
            return;
        }
        if (score.servedVersion > tally.servedVersion) {
            if (tally.n > 0) {
                LOG.info("candidate v{}: served version moved from {} to {}; its {} scores are dropped, the "
                        + "comparison starts again", score.shadowVersion, tally.servedVersion, score.servedVersion,
                        tally.n);
            }
            tally.compareAgainst(score.servedVersion);
        }
        if (tally.n == 0) {
            EVENTS.info("shadow mode: candidate '{}' v{} scored live against served v{}; a verdict after {} "
                    + "observations (criterion {})", score.modelId, score.shadowVersion, score.servedVersion,
                    settings.minObservations(), ShadowCriterion.describe(settings.criteria()));
        }
        tally.add(score);
        if (tally.n % Math.max(1, settings.minObservations() / 4) == 0 && tally.n < settings.minObservations()) {
            EVENTS.info("shadow mode: candidate v{} {}/{} observations: mean NLL {} vs {}, MAE {} vs {}",
                    score.shadowVersion, tally.n, settings.minObservations(), round(tally.meanNllCandidate()),
                    round(tally.meanNllServed()), round(tally.maeCandidate()), round(tally.maeServed()));
        }
        publish(score.shadowVersion, tally);
        if (tally.n >= settings.minObservations()) {
            out.collect(decide(score.shadowVersion, tally));
        }
        tallies.update(tally);
    }

    private void publish(long version, ShadowTally tally) {
        candidateVersion = version;
        observations = tally.n;
        meanNllServed = tally.meanNllServed();
        meanNllCandidate = tally.meanNllCandidate();
        maeServed = tally.maeServed();
        maeCandidate = tally.maeCandidate();
    }

    private ShadowVerdict decide(long version, ShadowTally tally) {
        ShadowVerdict v = new ShadowVerdict();
        v.modelId = tally.modelId;
        v.version = version;
        v.servedVersion = tally.servedVersion;
        v.observations = tally.n;
        v.meanNllServed = tally.meanNllServed();
        v.meanNllCandidate = tally.meanNllCandidate();
        v.maeServed = tally.maeServed();
        v.maeCandidate = tally.maeCandidate();
        v.criterion = ShadowCriterion.describe(settings.criteria());
        String refusal = refusal(v);
        v.decision = refusal == null ? ShadowVerdict.Decision.PROMOTE : ShadowVerdict.Decision.REJECT;
        tally.decision = v.decision;
        String numbers = String.format(Locale.ROOT, "candidate v%d against served v%d over %d live observations "
                        + "(criterion %s): mean NLL %.4f vs %.4f (candidate better by %.4f nats, margin %.4f), "
                        + "MAE %.4f vs %.4f", version, tally.servedVersion, tally.n, v.criterion, v.meanNllCandidate,
                v.meanNllServed, v.meanNllServed - v.meanNllCandidate, settings.margin(), v.maeCandidate, v.maeServed);
        if (v.decision == ShadowVerdict.Decision.REJECT) {
            rejected.inc();
            v.reason = "rejected, " + refusal + ": " + numbers;
        } else {
            promoted.inc();
            v.reason = "promote: " + numbers + "; " + promote(v.modelId, version, numbers);
        }
        EVENTS.info("shadow verdict for '{}' v{}: {}", v.modelId, version, v.reason);
        return v;
    }

    private static String round(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    /** Every measure of the criterion the candidate fails, joined by "and"; null when it passes them all. */
    private String refusal(ShadowVerdict v) {
        boolean nllFails = settings.criteria().contains(ShadowCriterion.NLL)
                && !(v.meanNllServed - v.meanNllCandidate > settings.margin());
        boolean maeFails = settings.criteria().contains(ShadowCriterion.MAE) && !(v.maeCandidate <= v.maeServed);
        if (!nllFails && !maeFails) {
            return null;
        }
        String nll = nllFails ? "NLL not better by the margin" : "";
        String mae = maeFails ? "MAE worse than the served model's" : "";
        return nll + (nllFails && maeFails ? " and " : "") + mae;
    }

    /** What the promoter did; a failure is reported, never thrown: the job keeps serving the old version. */
    private String promote(String modelId, long version, String numbers) {
        if (settings.promoter() == null) {
            return "no promoter configured: promote it with `odestream models promote " + version + "`";
        }
        try {
            if (promoter == null) {
                promoter = settings.promoter().open();
            }
            return promoter.promote(modelId, version, "won in shadow mode: " + numbers);
        } catch (RuntimeException e) {
            promotionFailures.inc();
            LOG.error("shadow winner '{}' v{} could not be promoted", modelId, version, e);
            return "promotion failed (" + e + "); promote it with `odestream models promote " + version + "`";
        }
    }

    @Override
    public void close() throws Exception {
        if (promoter != null) {
            promoter.close();
            promoter = null;
        }
    }
}
