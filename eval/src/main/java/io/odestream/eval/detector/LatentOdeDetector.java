package io.odestream.eval.detector;

import io.odestream.alert.AlertDecision;
import io.odestream.alert.AlertPolicy;
import io.odestream.finetune.ContinualFineTuning;
import io.odestream.flow.ResidualFlowScorer;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.InMemorySeries;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.LevelFrame;
import io.odestream.latent.LevelShift;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.ResidualScorer;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeriesMonitor;
import io.odestream.nn.Activation;
import io.odestream.ode.SolverException;
import io.odestream.schema.ModelArtifact;
import io.odestream.train.Trainer;
import io.odestream.train.TrainingDivergedException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * odestream's anomaly detector on one univariate series, strictly online: the product's own
 * pipeline (latent-ODE filter → negative log predictive density → {@link AlertPolicy}) run row by
 * row, each row scored from the state before it.
 *
 * <ol>
 *   <li>Rows {@code 0 .. fitRows−1}: no model exists yet, anomaly score 0. After the last of them a
 *       latent ODE is fitted on exactly these rows (normalisation and time unit from them too).</li>
 *   <li>The filter then runs from the first row: each row is scored against the predictive density
 *       at its time, the score goes through the alert policy (the fit rows' scores only seed the
 *       series' calibration sample), then the row updates the state.</li>
 * </ol>
 * Each row is one {@link SeriesMonitor} step, the stream job's own. A row whose score or update
 * fails in the solver gets no score (counted in {@link DetectorOutput#solverFailures()}) and the
 * filter restarts from it: unlike the job, the detector restarts at the first failure. As in the
 * job, a series whose level leaves the range its model was fitted on moves its frame
 * ({@link LevelShift}, {@link #withLevelShift}).
 *
 * <p>With a flow scorer ({@link #withFlowScorer}) a first pass of the filter over the fit rows
 * collects their standardised residuals and gaps, a {@link ResidualFlowScorer} is fitted to them, and
 * the scoring pass judges the flow's negative log-density instead of the Gaussian's.
 *
 * <p>With continual learning ({@link #withContinualLearning}) every scored row is offered to the
 * product's {@link ContinualFineTuning} once it has been scored and absorbed; when a fine-tuning
 * round's candidate passes its check, the refreshed model re-encodes the last window of rows and
 * scores the rows that follow. The series' alert calibration carries on across the swap. Unless
 * rounds see only the rows since the last one, the fit rows' windows are remembered first.
 *
 * <p>With a seasonality ({@link DetectorSettings#seasonal()}) everything above runs on the
 * series as {@link SeasonalInput} turns it (x − s(t), or its steps scaled by the typical step at
 * their time): the seasonal baseline is fitted on the fit rows (which the model is then fitted to),
 * and from the first scored row on each row's input comes from the baseline of the rows before it,
 * after which the row teaches the baseline. The alert policy's value level tests the input.
 */
public final class LatentOdeDetector {
    /** Fewer scored fit rows than this: too little to learn a residual shape from, the Gaussian score stays. */
    static final int MIN_RESIDUALS = 50;
    /** The model lineage's name inside the detector (versions count the fine-tuning rounds that passed). */
    private static final String MODEL_ID = "detector";
    private final DetectorSettings settings;
    private final FlowScorerRecipe flowScorer;
    private final ContinualFineTuning.Config fineTuning;
    private final ScoreMode scoreMode;
    private final LevelShift levelShift;

    /** The detector with the stream job's defaults: sigma-point scores, {@link LevelShift#defaults()}. */
    public LatentOdeDetector(DetectorSettings settings) {
        this(settings, null, null, ScoreMode.SIGMA_POINTS, LevelShift.defaults());
    }

    private LatentOdeDetector(DetectorSettings settings, FlowScorerRecipe flowScorer,
                              ContinualFineTuning.Config fineTuning, ScoreMode scoreMode, LevelShift levelShift) {
        this.settings = settings;
        this.flowScorer = flowScorer;
        this.fineTuning = fineTuning;
        this.scoreMode = scoreMode;
        this.levelShift = levelShift;
    }

    /** How the per-series flow scorer is fitted: hidden tanh units and Adam steps. */
    public record FlowScorerRecipe(int hidden, int iterations) {
        public FlowScorerRecipe {
            if (hidden < 1 || iterations < 1) {
                throw new IllegalArgumentException("a flow scorer needs >= 1 hidden unit and iteration, got " + hidden
                        + " and " + iterations);
            }
        }
    }

    /** This detector with the flow scorer in place of the Gaussian score. */
    public LatentOdeDetector withFlowScorer(FlowScorerRecipe recipe) {
        return new LatentOdeDetector(settings, recipe, fineTuning, scoreMode, levelShift);
    }

    /**
     * This detector with the series' model fine-tuned as the stream goes (e.g.
     * {@link DetectorSettings#continualLearning}); null: the model stays as fitted on the fit rows.
     */
    public LatentOdeDetector withContinualLearning(ContinualFineTuning.Config config) {
        return new LatentOdeDetector(settings, flowScorer, config, scoreMode, levelShift);
    }

    /** The continual learning configured, null when the model is frozen after its fit. */
    public ContinualFineTuning.Config continualLearning() {
        return fineTuning;
    }

    /** This detector scoring by {@code mode} (Monte Carlo with the settings' samples unless told). */
    public LatentOdeDetector withScoreMode(ScoreMode mode) {
        return new LatentOdeDetector(settings, flowScorer, fineTuning, mode, levelShift);
    }

    /**
     * This detector moving a series' frame when its level leaves the range its model was fitted on,
     * as the stream job does ({@link LevelShift}; null: never).
     */
    public LatentOdeDetector withLevelShift(LevelShift rule) {
        return new LatentOdeDetector(settings, flowScorer, fineTuning, scoreMode, rule);
    }

    public DetectorSettings settings() {
        return settings;
    }

    /**
     * Runs the detector over one series.
     *
     * @param timesMillis epoch milliseconds per row, in arrival order
     * @param values      the value per row (non-finite = missing)
     * @param fitRows     how many leading rows the model is fitted on before scoring starts
     */
    public DetectorOutput run(long[] timesMillis, double[] values, int fitRows) {
        int n = values.length;
        if (timesMillis.length != n) {
            throw new IllegalArgumentException("timesMillis has " + timesMillis.length + " rows but values has " + n);
        }
        if (fitRows < settings.windowLength() || fitRows > n) {
            throw new IllegalArgumentException("fitRows must be in [windowLength=" + settings.windowLength() + ", "
                    + n + " rows], got " + fitRows + "; the series is too short to fit a model on its first rows");
        }
        long[] times = modelClock(timesMillis, fitRows, settings.maxGapSteps());
        double[] anomaly = new double[n];
        double[] raw = new double[n];
        Arrays.fill(raw, Double.NaN);

        SeasonalInput season = settings.seasonal() == null ? null
                : SeasonalInput.fitted(settings.seasonal(), timesMillis, values, fitRows);
        // what the model sees: the values, or their seasonal inputs so far
        double[] input = season == null ? values.clone() : season.inputs();
        long started = System.nanoTime();
        boolean[] diverged = {false};
        LatentOdeModel model = fit(times, input, fitRows, diverged);
        double fitSeconds = (System.nanoTime() - started) / 1e9;

        LatentFilter[] filter = {new LatentFilter(model, MODEL_ID, 1)};
        AlertPolicy policy = settings.policy();
        // Restart at the first failure: the state left the range the model was fitted on, and a single
        // series has no recent history to re-encode from.
        MonitorSettings monitorSettings = new MonitorSettings(policy, settings.samples(), settings.samples(), 1, 1,
                scoreMode).withLevelShift(levelShift);
        SeriesMonitor.RowUpdater rows = u -> scoreAndUpdate(filter[0], u);
        double[] x = new double[1];
        // The filter's shared solver sizes its buffers at its first solve, and a decoder solve first has left them
        // too small for the encoder's; a throw-away encoder solve first sizes them for both. No effect on results.
        x[0] = input[0];
        filter[0].update(filter[0].start(times[0] - 1), times[0], x, null);
        ResidualScorer scorer = flowScorer == null ? null
                : fitResidualScorer(new SeriesMonitor(monitorSettings), filter[0], rows, times, input, fitRows);
        SeriesMonitor monitor = new SeriesMonitor(monitorSettings, scorer);
        InMemorySeries series = new InMemorySeries(policy.newTrack());
        ContinualFineTuning learner = fineTuning == null ? null
                : new ContinualFineTuning(fineTuning, MODEL_ID, 1, model.toArtifact(MODEL_ID, 1, null, Map.of(), Map.of()));
        if (learner != null && !fineTuning.recentOnly()) {
            for (int i = 0; i < fitRows; i++) {
                x[0] = input[i];
                learner.remember(times[i], x);
            }
        }
        int failures = 0;
        for (int i = 0; i < n; i++) {
            if (season != null && i >= fitRows) {
                season.next(i); // from the season of the rows before this one
            }
            x[0] = input[i];
            boolean inIncident = series.alerts().open;
            SeriesMonitor.Verdict v = monitor.step(series, filter[0], rows, times[i], x, null, settings.seed() + i);
            if (v.failure() != null) {
                failures++;
            }
            raw[i] = v.score() == null ? Double.NaN : v.score().negativeLogDensity();
            if (i >= fitRows && v.decision() != null) {
                anomaly[i] = anomalyScore(v.decision(), inIncident);
            }
            if (season != null && i >= fitRows) {
                season.teach(i);
            }
            if (learner != null && i >= fitRows) {
                ModelArtifact refreshed = learner.offer(times[i], x);
                if (refreshed != null) {
                    filter[0] = new LatentFilter(LatentOdeModel.fromArtifact(refreshed), MODEL_ID,
                            refreshed.getVersion());
                    reencode(series, filter[0], times, input, i);
                }
            }
        }
        int rounds = learner == null ? 0 : learner.rounds();
        int swaps = learner == null ? 0 : learner.published();
        return new DetectorOutput(anomaly, raw, fitRows, fitSeconds, diverged[0], failures, rounds, swaps);
    }

    /**
     * The series' state under a refreshed model: its filter run afresh over the last window of rows up
     * to {@code last} (the context a training window gives the model), or no state when that fails in
     * the solver, so that the next row starts the series afresh.
     */
    private void reencode(InMemorySeries series, LatentFilter filter, long[] times, double[] values, int last) {
        double[] x = new double[1];
        int from = Math.max(0, last + 1 - settings.windowLength());
        LevelFrame frame = series.levelFrame();
        double shift = frame == null ? 0 : frame.shift[0];
        while (frame != null && from < last && times[from] < frame.movedAtMillis) {
            from++; // rows at the level before the frame's last move, as the job's re-encoding skips them
        }
        try {
            FilterState state = filter.start(times[from]);
            for (int k = from; k <= last; k++) {
                x[0] = values[k] - shift; // in the series' frame, as its steps fed the filter
                state = filter.update(state, times[k], x, null);
            }
            series.store(state);
        } catch (SolverException e) {
            series.forgetFilterState();
        }
    }

    /**
     * The flow scorer fitted on the fit rows' standardised residuals (each scored from the state
     * before it, as the scoring pass will), or null when too few rows were scored.
     */
    private ResidualScorer fitResidualScorer(SeriesMonitor gaussian, LatentFilter filter, SeriesMonitor.RowUpdater rows,
            long[] times, double[] values, int fitRows) {
        InMemorySeries series = new InMemorySeries(null);
        double[] residuals = new double[fitRows];
        long[] gaps = new long[fitRows];
        int count = 0;
        double[] x = new double[1];
        for (int i = 0; i < fitRows; i++) {
            x[0] = values[i];
            SeriesMonitor.Verdict v = gaussian.step(series, filter, rows, times[i], x, null, settings.seed() + i);
            if (v.score() != null && Double.isFinite(v.score().zScores()[0])) {
                residuals[count] = v.score().zScores()[0];
                gaps[count] = times[i] - v.update().state().timeMillis();
                count++;
            }
        }
        if (count < MIN_RESIDUALS) {
            return null;
        }
        return ResidualFlowScorer.fit(residuals, gaps, count, 1, flowScorer.hidden(), flowScorer.iterations(),
                settings.seed(), (iteration, loss) -> { });
    }

    /** A per-series model as the detector fits it, and the times it sees (gaps shortened, {@link #modelClock}). */
    public record Fitted(LatentOdeModel model, long[] modelTimes) {
    }

    /**
     * The model {@link #run} fits on the first {@code fitRows} rows, and the series' times as the
     * model sees them: for measurements of the same per-series model beside the detector's (the
     * one-step-ahead calibration of its forecasts). Without the seasonal baseline: the model of the
     * values themselves.
     */
    public Fitted fit(long[] timesMillis, double[] values, int fitRows) {
        long[] times = modelClock(timesMillis, fitRows, settings.maxGapSteps());
        return new Fitted(fit(times, values, fitRows, new boolean[1]), times);
    }

    /**
     * The JVM filter's score and update, where a score refused as out of range counts as the solver's
     * failure: times and widths are valid here, so an IllegalArgumentException is the solver refusing a
     * non-finite posterior sample.
     */
    private static BatchUpdater.Outcome scoreAndUpdate(LatentFilter filter, ObservationUpdate u) {
        try {
            return FilterBatchUpdater.scoreAndUpdate(filter, u);
        } catch (IllegalArgumentException e) {
            return BatchUpdater.Outcome.failed(new SolverException(SolverException.Reason.NON_FINITE_STATE, "score",
                    u.eventTimeMillis(), 0, 0, e.getMessage()));
        }
    }

    /**
     * The row's anomaly score as the alert policy sees it: its calibrated anomaly probability, except
     * inside an incident that an earlier row opened, where it is 0 — the incident has been reported
     * once, its later rows are not new alerts (one incident, one alert). NaN (no score) → 0.
     */
    static double anomalyScore(AlertDecision decision, boolean incidentOpenBefore) {
        double p = decision.anomalyProbability();
        if (Double.isNaN(p) || (incidentOpenBefore && !decision.raise())) {
            return 0.0;
        }
        return p;
    }

    private LatentOdeModel fit(long[] times, double[] values, int fitRows, boolean[] diverged) {
        double[][] rows = new double[fitRows][1];
        for (int i = 0; i < fitRows; i++) {
            rows[i][0] = values[i];
        }
        List<LatentOdeTraining.Series> data = List.of(
                new LatentOdeTraining.Series(Arrays.copyOf(times, fitRows), rows));
        int[] dynamics = {settings.dynamicsHidden()};
        LatentOdeSpec shape = new LatentOdeSpec(1, 1, settings.latent(), settings.hidden(), dynamics, dynamics,
                Activation.TANH, timeUnit(times, fitRows), "dopri5", settings.rtol(), settings.rtol() / 100,
                new double[] {0}, new double[] {1});
        LatentOdeModel model = LatentOdeModel.create(LatentOdeTraining.normalisedFor(shape, data), settings.seed());
        LatentOdeTraining.startNoiseAtTheData(model, data);
        try {
            LatentOdeTraining.train(model, data, settings.trainingConfig(), Trainer.ProgressListener.silent());
        } catch (TrainingDivergedException e) {
            diverged[0] = true; // the parameters keep their last finite values: a less trained model, still a model
        }
        model.parametersChanged();
        return model;
    }

    /** The median gap between the first {@code rows} times (1 s if they all share one time): one step ≈ one model time unit. */
    static double timeUnit(long[] times, int rows) {
        long[] gaps = new long[Math.max(0, rows - 1)];
        for (int i = 1; i < rows; i++) {
            gaps[i - 1] = times[i] - times[i - 1];
        }
        Arrays.sort(gaps);
        long median = gaps.length == 0 ? 0 : gaps[gaps.length / 2];
        return median > 0 ? median : 1000.0;
    }

    /**
     * The times the model sees: never backwards (a repeated timestamp arrives at the latest time seen),
     * and a gap longer than {@code maxGapSteps} typical steps (the fit rows' median gap) shortened to
     * that many steps. A dynamics model fitted on a regular cadence knows nothing about hours of
     * silence, and integrating its untrained dynamics over hundreds of steps drives the filter state
     * out of range (the posterior's σ = exp(·) overflows); after a long outage the series simply
     * resumes a few steps later.
     */
    static long[] modelClock(long[] times, int fitRows, int maxGapSteps) {
        long[] t = new long[times.length];
        t[0] = times[0];
        long maxGap = (long) timeUnit(times, Math.min(times.length, Math.max(2, fitRows))) * maxGapSteps;
        for (int i = 1; i < t.length; i++) {
            long gap = Math.max(0, times[i] - times[i - 1]);
            t[i] = t[i - 1] + Math.min(gap, maxGap);
        }
        return t;
    }
}
