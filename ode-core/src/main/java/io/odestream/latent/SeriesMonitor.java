package io.odestream.latent;

import io.odestream.alert.AlertDecision;
import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import io.odestream.alert.ConditionalZ;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.alert.ZPool;
import io.odestream.ode.SolverException;

/**
 * The per-series step of watching a stream, written once for the stream job, shadow evaluation,
 * the offline detectors and the demo: each observation is scored against the series' state before
 * it, the score is judged by the alert policy, then the observation is absorbed. The rules:
 *
 * <ul>
 *   <li>a series' first observation has nothing to be surprising against: it is absorbed, not scored;</li>
 *   <li>after a model change the series is re-encoded from its recent observations (if it keeps any);</li>
 *   <li>a solver failure, or an infinite score (a collapsed predictive), keeps the last good state, and
 *       after {@link MonitorSettings#restartAfterFailures} failures in a row the series restarts from the
 *       observation that failed;</li>
 *   <li>every observation the step sees goes into the series' history;</li>
 *   <li>a series' alert calibration holds the scores of one producer: when the model version or the
 *       kind of score changes (a swap, a restore under another score mode) it restarts
 *       ({@link AlertTrack#scoresFrom}) and is refilled from the series' history, each kept observation
 *       after the first scored from the state encoded from the ones before it
 *       ({@link AlertPolicy#calibrate}: judged by nobody); a swap does it inside the re-encoding pass.
 *       Until the sample holds the policy's {@code minHistory} scores the warm-up rule judges.</li>
 *   <li>when the served model ships a warm-up calibration for this monitor's kind of score
 *       ({@link LatentOdeSpec#warmUp()}; not with a residual scorer, nor for one channel), the warm-up
 *       rule judges the largest |z| of a channel given the others' under the shipped moments of the
 *       series' age bucket (the scores its alert track held before), else of all ages, from the series'
 *       first score: the same wherever, whenever and next to whichever series it is scored. A swap
 *       judges by the new model's moments. Where the model also ships warm-up thresholds
 *       ({@link WarmUpThresholds}), a score so judged triggers at the shipped threshold of the series'
 *       age bucket, else of all ages, instead of the policy's {@code warmUpZ}.</li>
 *   <li>with {@link MonitorSettings#pooledWarmUp} the moments pooled over every series this monitor
 *       serves ({@link ZPool}) refine the shipped ones: the pool's moments of the series' age once
 *       ready, else the shipped ones of that age, else the pool's of all ages once ready, else the
 *       shipped ones of all ages; every scored observation is offered to the pool. The pool's judgement
 *       triggers at the policy's {@code warmUpZ} (shipped thresholds are not used).</li>
 *   <li>with {@link MonitorSettings#levelShift} a series whose level has left its model's training
 *       range moves its frame ({@link LevelShift}): the filter sees each value minus the series'
 *       {@link LevelFrame} shift, and restarts in the new frame from the observation that moved it.
 *       Scores, their predictive means, the filter state and the values the alert policy judges are
 *       the frame's: a level the frame has moved to is the series' normal from then on (the move was
 *       judged, and alerted, in the old frame), so the value-level test asks whether a value is extreme
 *       for the level of its time. The history keeps the data's own values; a re-encoding reads it from
 *       the observation that last moved the frame on, in the current frame; a forecast from the state is
 *       {@link LevelFrame#unshifted}.</li>
 * </ul>
 *
 * <p>The numerical part (score and update) is separate so that a batch backend can do it for many
 * series at once: {@link #prepare} gives the {@link ObservationUpdate} for the backend, {@link #absorb}
 * judges its outcome. {@link #step} does both on the JVM for a single series.
 *
 * <p>One monitor serves many series; it is not thread-safe (its re-encoding buffers are reused).
 */
public final class SeriesMonitor {

    /** The numerical part of one row, score then update: the JVM filter, or a caller's own (timed, say). */
    @FunctionalInterface
    public interface RowUpdater {
        BatchUpdater.Outcome scoreAndUpdate(ObservationUpdate update);
    }

    /** What happened to an observation. */
    public enum Kind {
        /** Absorbed without a score: the series' first observation, or its first after a fresh start. */
        ABSORBED,
        /** Scored from the state before it, judged, then absorbed. */
        SCORED,
        /** The solver failed; the series keeps its last good state. */
        KEPT_LAST_GOOD,
        /** The solver failed once too often in a row; the series starts afresh from this observation. */
        RESTARTED
    }

    /**
     * The series' state under a model.
     *
     * @param state      null when the series has nothing to encode yet, or its re-encoding failed
     * @param reencoded  whether the state was just rebuilt from the history under a new model
     * @param failure    why re-encoding failed; null when it did not
     */
    public record Encoding(FilterState state, boolean reencoded, SolverException failure) {
        /** A series with nothing to encode yet. */
        static final Encoding NONE = new Encoding(null, false, null);
    }

    /** An observation ready for the numerical part, and how the series' state for it was found. */
    public record Prepared(ObservationUpdate update, Encoding encoding) {
        /** Whether this observation is absorbed without a score. */
        public boolean first() {
            return !update.scored();
        }
    }

    /**
     * The judgement of one observation.
     *
     * @param update   what was asked of the filter (the state before the observation, its seed)
     * @param score    the score taken before the update; null unless {@link Kind#SCORED}
     * @param decision the alert policy's decision; null unless scored and the series is alerted on
     * @param failure  the solver's failure; null unless {@link Kind#KEPT_LAST_GOOD} or {@link Kind#RESTARTED}
     * @param frameMoved whether this observation moved the series' level frame ({@link LevelShift}): the
     *                 series restarted from it in the new frame, whatever its kind says of the update
     */
    public record Verdict(Kind kind, ObservationUpdate update, Score score, AlertDecision decision,
                          SolverException failure, boolean frameMoved) {
        Verdict(Kind kind, ObservationUpdate update, Score score, AlertDecision decision, SolverException failure) {
            this(kind, update, score, decision, failure, false);
        }

        public boolean raisesAlert() {
            return decision != null && decision.raise();
        }
    }

    private final MonitorSettings settings;
    private final ResidualScorer residualScorer;
    /** What this monitor's scores are, for {@link AlertTrack#scoresFrom}: {@link #scoreKind(ScoreMode, boolean)}. */
    private final int scoreKind;
    /** The z-scores' moments pooled over this monitor's series; null without the pooled warm-up rule. */
    private final ZPool pool;
    /** The calibration {@link #shipped} was taken from (a swap brings another): compared by identity. */
    private WarmUpCalibration shippedFrom;
    /** The served model's shipped moments of this monitor's kind of score; null when it ships none. */
    private WarmUpMoments shipped;
    /** The served model's warm-up thresholds of this monitor's kind of score; null: the policy's warmUpZ. */
    private WarmUpThresholds shippedThresholds;
    /** Scratch of the conditional z under the shipped moments, when there is no pool to judge with. */
    private ConditionalZ shippedConditional;
    private double[] x = new double[0];
    /** {@link #x} in the series' frame. */
    private double[] seen = new double[0];
    /** An absorbed update's values in the data's units, for a moved series ({@link #inData}). */
    private double[] data = new double[0];
    private boolean[] observed = new boolean[0];

    public MonitorSettings settings() {
        return settings;
    }

    public SeriesMonitor(MonitorSettings settings) {
        this(settings, null);
    }

    /**
     * @param residualScorer scores the standardised residuals instead of the Gaussian predictive
     *                       density where it can (see {@link ResidualScorer}); null: the Gaussian score
     */
    public SeriesMonitor(MonitorSettings settings, ResidualScorer residualScorer) {
        this(settings, residualScorer, settings == null || settings.pooledWarmUp() == null ? null
                : new ZPool(settings.pooledWarmUp(), true));
    }

    /**
     * @param pool the pooled moments the warm-up rule judges from (the caller publishes them; the
     *             stream job keeps them as operator state); null: the plain largest |z|
     */
    public SeriesMonitor(MonitorSettings settings, ResidualScorer residualScorer, ZPool pool) {
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        this.settings = settings;
        this.residualScorer = residualScorer;
        this.pool = pool;
        this.scoreKind = scoreKind(settings.scoreMode(), residualScorer != null);
    }

    /**
     * The kind of score a series' calibration and the pooled moments record with the model: one per
     * score mode, with or without a residual scorer. Kept in state, so a kind is never renumbered: a
     * new mode gets new numbers (1–4 were the first two modes' before the mean's path came).
     */
    static int scoreKind(ScoreMode mode, boolean residualScorer) {
        return switch (mode) {
            case MONTE_CARLO -> residualScorer ? 3 : 1;
            case SIGMA_POINTS -> residualScorer ? 4 : 2;
            case MEAN_PATH -> residualScorer ? 6 : 5;
        };
    }

    /** Prepares, scores and updates on the JVM filter, and judges: the unbatched step. */
    public Verdict step(MonitoredSeries series, LatentFilter filter, long t, double[] values, boolean[] mask,
                        long seed) {
        return step(series, filter, u -> FilterBatchUpdater.scoreAndUpdate(filter, u), t, values, mask, seed);
    }

    /** The unbatched step with the caller's numerical part. */
    public Verdict step(MonitoredSeries series, LatentFilter filter, RowUpdater rows, long t, double[] values,
                        boolean[] mask, long seed) {
        Prepared p = prepare(series, filter, t, values, mask, seed);
        return absorb(series, filter, p.update(), rows.scoreAndUpdate(p.update()));
    }

    /**
     * The update an observation asks of the filter: from the series' state under {@code filter}'s
     * model (re-encoded when it belonged to another), scored with the configured samples; from a
     * fresh start at {@code t}, unscored, when the series has no state.
     *
     * @param values read while the update runs: keep them unchanged until {@link #absorb}
     */
    public Prepared prepare(MonitoredSeries series, LatentFilter filter, long t, double[] values, boolean[] mask,
                            long seed) {
        Encoding e = encode(series, filter);
        if (!e.reencoded() && e.state() != null) {
            refillWithoutReencoding(series, filter);
        }
        boolean first = e.state() == null;
        FilterState before = first ? filter.start(t) : e.state();
        return new Prepared(new ObservationUpdate(before, t, inFrame(series, values), mask,
                first ? 0 : settings.scoreSamples(), seed, settings.scoreMode()), e);
    }

    /** The values as the series' filter sees them: {@code values} itself unless the series' frame is shifted. */
    private static double[] inFrame(MonitoredSeries series, double[] values) {
        LevelFrame frame = series.levelFrame();
        if (frame == null || !frame.shifted()) {
            return values;
        }
        double[] seen = new double[values.length]; // only series that have moved pay for it
        frame.toFrame(values, seen);
        return seen;
    }

    /**
     * The data's values of an update's (frame) values: {@code seen} itself unless the series' frame is
     * shifted, else this monitor's scratch, valid until its next call (the history copies what it keeps).
     */
    private double[] inData(MonitoredSeries series, double[] seen) {
        LevelFrame frame = series.levelFrame();
        if (frame == null || !frame.shifted()) {
            return seen;
        }
        if (data.length != seen.length) {
            data = new double[seen.length];
        }
        frame.fromFrame(seen, data);
        return data;
    }

    /**
     * Judges the outcome of a prepared update and moves the series on: the alert policy sees the
     * score, the series keeps the next state, or the failure rule applies. The observation goes into
     * the series' history either way.
     */
    public Verdict absorb(MonitoredSeries series, LatentFilter filter, ObservationUpdate u,
                          BatchUpdater.Outcome outcome) {
        outcome = failedIfInfinite(outcome, u);
        double[] values = inData(series, u.values());
        Verdict verdict;
        if (outcome.failure() == null) {
            series.store(outcome.next());
            series.consecutiveFailures(0);
            verdict = u.scored() ? scored(series, filter, u, outcome.score())
                    : new Verdict(Kind.ABSORBED, u, null, null, null);
        } else {
            int failures = series.consecutiveFailures() + 1;
            series.consecutiveFailures(failures);
            if (failures < settings.restartAfterFailures()) {
                verdict = new Verdict(Kind.KEPT_LAST_GOOD, u, null, null, outcome.failure());
            } else {
                restart(series, filter, u);
                verdict = new Verdict(Kind.RESTARTED, u, null, null, outcome.failure());
            }
        }
        remember(series, u.eventTimeMillis(), values, u.mask());
        if (moveFrame(series, filter, u, values)) {
            verdict = new Verdict(verdict.kind(), u, verdict.score(), verdict.decision(), verdict.failure(), true);
        }
        return verdict;
    }

    /**
     * Counts the observation into the series' level runs ({@link LevelFrame#observe}) and, when a
     * channel's frame moves, restarts the series' filter from this observation in the new frame.
     *
     * @return whether the frame moved
     */
    private boolean moveFrame(MonitoredSeries series, LatentFilter filter, ObservationUpdate u, double[] values) {
        LevelShift rule = settings.levelShift();
        if (rule == null) {
            return false;
        }
        LevelFrame frame = series.levelFrame();
        if (frame == null || frame.shift.length != values.length) {
            frame = LevelFrame.of(values.length);
            series.levelFrame(frame);
        }
        if (frame.observe(u.values(), u.mask(), filter.model().spec(), rule)) {
            frame.movedAtMillis = u.eventTimeMillis();
            double[] seen = new double[values.length];
            frame.toFrame(values, seen);
            restart(series, filter, u.eventTimeMillis(), seen, u.mask());
            return true;
        }
        return false;
    }

    /**
     * An infinite score (zero density for finite values) is the state's failure, not a surprise: every
     * later score from that state is infinite too, and as scores they would tie and silence the series
     * for good. NaN stays a score: nothing was observed.
     */
    private static BatchUpdater.Outcome failedIfInfinite(BatchUpdater.Outcome outcome, ObservationUpdate u) {
        if (outcome.failure() != null || outcome.score() == null) {
            return outcome;
        }
        double nll = outcome.score().negativeLogDensity();
        if (!Double.isInfinite(nll)) {
            return outcome;
        }
        return BatchUpdater.Outcome.failed(new SolverException(SolverException.Reason.PREDICTIVE_COLLAPSED, "filter score",
                u.eventTimeMillis(), Double.NaN, 0, "the observation's predictive density is " + (nll > 0 ? "0" : "infinite")
                + ": the series' state has left the range its model was fitted on"));
    }

    /**
     * Starts the series afresh from this observation, its earlier history forgotten. The first update
     * from a fresh start has no gap to solve over, so it does not fail in the solver; if it does, the
     * series has no state and the next observation starts it.
     */
    public void restart(MonitoredSeries series, LatentFilter filter, ObservationUpdate u) {
        restart(series, filter, u.eventTimeMillis(), u.values(), u.mask());
    }

    private static void restart(MonitoredSeries series, LatentFilter filter, long t, double[] seen, boolean[] mask) {
        series.consecutiveFailures(0);
        try {
            series.store(filter.update(filter.start(t), t, seen, mask));
        } catch (SolverException e) {
            series.forgetFilterState();
        }
    }

    /**
     * The series' filter state under {@code filter}'s model: as stored, or re-encoded from the
     * history when it belongs to another version (the lazy half of a model swap). A failed
     * re-encoding leaves the series without state, to start afresh at its next observation.
     */
    public Encoding encode(MonitoredSeries series, LatentFilter filter) {
        FilterState stored = series.filterState(filter.modelId(), filter.modelVersion());
        if (stored != null) {
            return new Encoding(stored, false, null);
        }
        series.forgetFilterState();
        SeriesHistory history = series.history();
        if (history == null || history.size() == 0) {
            return Encoding.NONE;
        }
        FilterState state;
        try {
            state = replay(series, history, filter, restartedCalibration(series, filter));
        } catch (SolverException e) {
            return new Encoding(null, false, e);
        }
        if (state == null) {
            return Encoding.NONE; // every kept observation predates the frame's last move
        }
        series.store(state);
        return new Encoding(state, true, null);
    }

    /**
     * The restart without a re-encoding (a restore under another score mode, state from before the
     * producer was recorded): the history is scored in one pass from a fresh start, the series' stored
     * state untouched. A solver failure ends the refill, keeping what was filled.
     */
    private void refillWithoutReencoding(MonitoredSeries series, LatentFilter filter) {
        SeriesHistory history = series.history();
        if (history == null || history.size() < 2) {
            return; // nothing to score: scored() restarts the calibration at the series' next score
        }
        AlertTrack track = restartedCalibration(series, filter);
        if (track != null) {
            try {
                replay(series, history, filter, track);
            } catch (SolverException e) {
                // the pass's state is thrown away anyway; the refill keeps the scores it had
            }
        }
    }

    /** The series' alert track, its calibration restarted for {@code filter}'s scores; null if it has them. */
    private AlertTrack restartedCalibration(MonitoredSeries series, LatentFilter filter) {
        AlertTrack track = series.alerts();
        int modelIdHash = filter.modelId().hashCode();
        if (track == null || track.holdsScoresOf(scoreKind, modelIdHash, filter.modelVersion())) {
            return null;
        }
        track.scoresFrom(scoreKind, modelIdHash, filter.modelVersion());
        return track;
    }

    /**
     * Runs {@code filter} over the history from a fresh start. With a {@code refill} track each
     * observation after the first is first scored from the state before it, as the step would score
     * it (Monte-Carlo draws seeded by its time: the step's seed is not kept), and added to the
     * calibration only; a failed score ends the refill, not the pass.
     *
     * @return the state after the last observation; null when none is read (all before the frame's last move)
     * @throws SolverException when an update fails
     */
    private FilterState replay(MonitoredSeries series, SeriesHistory history, LatentFilter filter, AlertTrack refill) {
        int c = history.channels();
        if (x.length != c) {
            x = new double[c];
            seen = new double[c];
            observed = new boolean[c];
        }
        LevelFrame frame = series.levelFrame();
        boolean shifted = frame != null && frame.shifted() && frame.shift.length == c;
        AlertPolicy policy = settings.alertPolicy();
        AlertTrack track = refill;
        FilterState state = null;
        long from = frame == null ? Long.MIN_VALUE : frame.movedAtMillis;
        for (int i = 0; i < history.size(); i++) {
            long t = history.timeOf(i);
            if (t < from) {
                continue; // at the level before the frame's last move: the filter restarted after them too
            }
            history.readInto(i, x, observed);
            double[] in = x;
            if (shifted) {
                frame.toFrame(x, seen);
                in = seen;
            }
            if (state == null) {
                state = filter.start(t);
            } else if (track != null) {
                try {
                    Score gaussian = filter.score(state, t, in, observed, settings.scoreMode(),
                            settings.scoreSamples(), t);
                    policy.calibrate(track, scoreOf(gaussian, t - state.timeMillis()), in, observed);
                } catch (SolverException e) {
                    track = null;
                }
            }
            state = filter.update(state, t, in, observed);
        }
        return state;
    }

    /** Adds an observation to the series' history (when it keeps one) without touching its state. */
    public void remember(MonitoredSeries series, long t, double[] values, boolean[] mask) {
        SeriesHistory history = series.history();
        if (history != null) {
            history.add(t, values, mask, settings.recentCapacity());
        }
    }

    private Verdict scored(MonitoredSeries series, LatentFilter filter, ObservationUpdate u, Score gaussian) {
        Score score = residualScorer == null ? gaussian
                : rescored(gaussian, u.eventTimeMillis() - u.state().timeMillis());
        AlertTrack track = series.alerts();
        if (track != null) {
            FilterState state = u.state();
            track.scoresFrom(scoreKind, state.modelId().hashCode(), state.modelVersion());
        }
        double[] z = score.zScores();
        double judgedZ = maxAbsZ(z);
        // the scores the track held before this one: the pool judges a young series by its age's moments
        int age = track == null ? ZPool.UNKNOWN_AGE : track.size;
        WarmUpMoments fromModel = z == null ? null : shippedMoments(filter, z.length);
        // NaN: the policy's warmUpZ
        double warmUpThreshold = Double.NaN;
        if (pool != null && z != null) {
            FilterState state = u.state();
            pool.scoresFrom(scoreKind, state.modelId().hashCode(), state.modelVersion(), z.length);
            judgedZ = pool.judged(z, judgedZ, age, fromModel);
        } else if (fromModel != null) {
            double conditional = fromModel.judged(shippedConditional, z, age);
            if (!Double.isNaN(conditional)) {
                judgedZ = conditional;
                // the shipped threshold belongs to z judged under the shipped moments, not to the plain |z|
                warmUpThreshold = shippedThresholds == null ? Double.NaN : shippedThresholds.forAge(age);
            }
        }
        AlertDecision decision = track == null ? null
                : settings.alertPolicy().observe(track, u.eventTimeMillis(), score.negativeLogDensity(), judgedZ,
                        warmUpThreshold, u.values(), u.mask());
        if (pool != null && z != null) {
            pool.offer(z, judgedZ, decision != null && decision.raise(), age);
        }
        return new Verdict(Kind.SCORED, u, score, decision, null);
    }

    /**
     * The warm-up moments the filter's model ships for this monitor's kind of score, if it ships them
     * for these channels and the scores are the Gaussian's (a residual scorer's z-scores are of another
     * calibration); else null. Looked up again only when the model's calibration changes (a swap).
     */
    private WarmUpMoments shippedMoments(LatentFilter filter, int channels) {
        if (residualScorer != null || channels < 2) {
            return null;
        }
        WarmUpCalibration calibration = filter.model().spec().warmUp();
        if (calibration != shippedFrom) {
            shippedFrom = calibration;
            shipped = calibration == null ? null : calibration.momentsFor(settings.scoreMode());
            shippedThresholds = calibration == null ? null : calibration.thresholdsFor(settings.scoreMode());
            if (shipped != null
                    && (shippedConditional == null || shipped.channels() != shippedConditional.channels())) {
                shippedConditional = new ConditionalZ(shipped.channels());
            }
        }
        return shipped != null && shipped.channels() == channels ? shipped : null;
    }

    /** The raw score the alert policy sees: the residual scorer's where it gives one, else the Gaussian's. */
    private double scoreOf(Score gaussian, long gapMillis) {
        if (residualScorer == null || gaussian.observedChannels() == 0) {
            return gaussian.negativeLogDensity();
        }
        double nld = residualScorer.negativeLogDensity(gaussian.zScores(), gapMillis);
        return Double.isNaN(nld) ? gaussian.negativeLogDensity() : nld;
    }

    /** The residual scorer's value in place of the Gaussian's, where it gives one. */
    private Score rescored(Score gaussian, long gapMillis) {
        double nld = scoreOf(gaussian, gapMillis);
        return Double.compare(nld, gaussian.negativeLogDensity()) == 0 ? gaussian
                : new Score(nld, gaussian.zScores(), gaussian.observedChannels(), gaussian.predictiveMeans());
    }

    /** The pooled moments the warm-up rule judges from; null without the pooled warm-up rule. */
    public ZPool pool() {
        return pool;
    }

    /** The largest |z| over the observed channels (NaN for none): the alert policy's scale-free warm-up score. */
    public static double maxAbsZ(double[] zScores) {
        double max = Double.NaN;
        if (zScores == null) {
            return max;
        }
        for (double z : zScores) {
            if (!Double.isNaN(z) && !(Math.abs(z) <= max)) {
                max = Math.abs(z);
            }
        }
        return max;
    }
}
