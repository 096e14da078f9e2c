package io.odestream.eval.physionet;

import io.odestream.eval.baseline.OdeRnn;
import io.odestream.eval.baseline.RnnDeltaT;
import io.odestream.eval.TaggedProgress;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.nn.Activation;
import io.odestream.ode.SolverException;
import io.odestream.train.Trainer;
import io.odestream.train.TrainingDivergedException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rubanova et al. 2019, Tables 4–5 (PhysioNet 2012 interpolation and extrapolation MSE) with our
 * latent ODE (ODE-RNN and RNN encoder), the ODE-RNN and the RNN-Δt, on the 500 set-a stays of the
 * shared data. Progress lines (iteration, loss, it/s) go to the given stream; {@link #markdown}
 * renders the table beside the published figures.
 *
 * <p>Protocol:
 * <ul>
 *   <li>Data: the stays as {@code Series} (times in ms since admission, 37 time-varying channels,
 *       NaN = missing; read by the CLI), with their RecordIDs.</li>
 *   <li>Split: {@link PhysioNetSplit} — sorted by RecordID, every 5th stay is a test stay (100), the
 *       rest train (400).</li>
 *   <li>Scaling: {@link MinMaxNormalisation} learned on the training stays; every model trains and
 *       is scored on these values (the latent ODE additionally z-scores them internally, as its
 *       spec always does; its forecasts come back in min-max units). Time unit: 1 hour.</li>
 *   <li>Metrics: {@link ForecastMse} — interpolation = one step ahead at each observation's time
 *       from the observations before it; extrapolation = condition on t &lt; 24 h, forecast every
 *       observed value at t ≥ 24 h. MSE pooled over predicted values, reported ×10⁻³.</li>
 *   <li>Training: Adam, {@code iterations} per model, minibatches of {@code batch}. The latent ODE on
 *       random windows of {@code window} consecutive observations (context {@code split}, ELBO on
 *       the rest; learning rate decays tenfold over the run, KL weight 1); RNN-Δt and ODE-RNN on
 *       whole stays, one step ahead (teacher forcing), constant rate.</li>
 *   <li>Baseline without training: {@link LastValueForecaster}; and the decay without a network
 *       ({@link SkippedForecaster} with no model).</li>
 *   <li>Every model is scored twice: as trained, and with the observation skip (ode-core
 *       {@code ObservationSkip}: GRU-D decay toward the last observation and the channel's mean, with
 *       the model's forecast as a third input) fitted around it on at most {@value #SKIP_FIT_STAYS}
 *       training stays; the latent ODE's through the served path (the skip in its spec).</li>
 *   <li>Calibration ({@link IntervalCalibration}): 90 % interval coverage and PIT deviation one step
 *       ahead, for the latent ODE's filter (its z-scores, as the job scores) and every skip.</li>
 *   <li>The paper's protocol: {@link ForecastMse#reconstruction} beside the extrapolation.</li>
 *   <li>Split: {@link PhysioNetSplit} by default; {@link #run(List, List, List, Settings, PrintStream,
 *       String)} takes training and test stays apart (e.g. set-a and set-b).</li>
 * </ul>
 * Not like the paper: 400 training stays instead of ~6400; one seed, no error bars; our
 * interpolation is causal one-step-ahead forecasting, not the reconstruction of seen points; our
 * encoders are causal; smaller networks and far fewer iterations (2 shared cores).
 */
public final class PhysioNetTable {
    public static final String LAST_VALUE = "last-value";
    public static final String RNN_DT = "rnn-dt";
    public static final String ODE_RNN = "ode-rnn";
    public static final String LATENT_ODE_RNN = "latent-ode-rnn";
    public static final String LATENT_ODE = "latent-ode";
    /** The {@link SkippedForecaster} without a network: the last observation decayed toward the channel's mean. */
    public static final String DECAY = "decay";
    /** Appended to a model's name for its row with the observation skip fitted around it. */
    public static final String SKIP_SUFFIX = "+skip";
    /** The skips are fitted on at most this many training stays (their forecasts cost a model pass each). */
    static final int SKIP_FIT_STAYS = 800;
    /** Every model the table knows, in table order (the last-value baseline is always computed). */
    public static final List<String> MODELS = List.of(RNN_DT, ODE_RNN, LATENT_ODE_RNN, LATENT_ODE);
    static final long HOUR_MILLIS = 3_600_000L;

    /** One published row: name, interpolation and extrapolation "mean ± sd" (×10⁻³), or null where none. */
    record Published(String model, String interpolation, String extrapolation) {
    }

    /** Rubanova et al. 2019, Tables 4 and 5 (PhysioNet, 8000 stays), for the models we run. */
    static final List<Published> PUBLISHED = List.of(
            new Published("RNN-Δt", "3.520 ± 0.276", null),
            new Published("ODE-RNN", "2.361 ± 0.086", null),
            new Published("Latent ODE (RNN enc.)", "3.907 ± 0.252", "3.162 ± 0.052"),
            new Published("Latent ODE (ODE enc.)", "2.118 ± 0.271", "2.231 ± 0.029"));

    /**
     * @param models       which of {@link #MODELS} to train (the last-value baseline always runs)
     * @param iterations   Adam iterations per model
     * @param batchSize    windows (latent ODE) or stays (RNN-Δt, ODE-RNN) per iteration
     * @param latent       latent state size of the latent ODE
     * @param hidden       GRU state size of every model (encoder, ODE-RNN, RNN-Δt)
     * @param units        width of the hidden layer(s) of every ODE's dynamics network
     * @param window       observations per latent-ODE training window
     * @param split        context observations of a window (the ELBO scores the rest)
     * @param samples      posterior samples of the latent ODE's predictive mean
     * @param rtol         dopri5 relative tolerance (training and forecasting)
     * @param atol         dopri5 absolute tolerance
     * @param learningRate Adam's (initial) rate
     * @param timeUnitHours one unit of model time, for every model (ODE time, Δt inputs)
     * @param every        a progress line every this many iterations
     * @param seed         initialisation, minibatches and posterior samples
     */
    public record Settings(List<String> models, int iterations, int batchSize, int latent, int hidden, int units,
                           int window, int split, int samples, double rtol, double atol, double learningRate,
                           double timeUnitHours, int every, long seed) {
        public Settings {
            if (models == null) {
                throw new IllegalArgumentException("models must not be null; pass e.g. " + MODELS);
            }
            for (String m : models) {
                if (!MODELS.contains(m)) {
                    throw new IllegalArgumentException("unknown model '" + m + "'; models: " + String.join(",", MODELS));
                }
            }
            models = List.copyOf(models);
            if (iterations < 1 || batchSize < 1 || samples < 1 || every < 1) {
                throw new IllegalArgumentException("iterations, batch, samples and every must be >= 1");
            }
            if (latent < 1 || hidden < 1 || units < 1) {
                throw new IllegalArgumentException("latent, hidden and units must be >= 1");
            }
            if (split < 1 || split >= window) {
                throw new IllegalArgumentException("split must be in [1, window): a window needs a context and a "
                        + "horizon; got split " + split + ", window " + window);
            }
            if (!(rtol > 0) || !(atol > 0) || !(learningRate > 0) || !(timeUnitHours > 0)) {
                throw new IllegalArgumentException("rtol, atol, learningRate and timeUnitHours must be > 0");
            }
        }

        /**
         * The defaults of {@code odestream eval physionet}: the whole run in ~20 min on 2 shared cores
         * (measured in a 400-iteration run at batch 20, per iteration: RNN-Δt 0.10 s, ODE-RNN
         * 0.24 s, latent ODE with RNN encoder 0.21 s, latent ODE 0.68 s; scoring ~10 s). Time unit
         * 48 h: Rubanova et al. scale time by its maximum; with 1 h the untrained latent dynamics
         * run 24+ units over a horizon and the first ELBO evaluations reach 5·10⁷.
         */
        public static Settings defaults() {
            return new Settings(MODELS, 1000, 20, 16, 32, 32, 40, 20, 10, 1e-3, 1e-4, 0.01, 48.0, 100, 1L);
        }

        public Settings withModels(List<String> chosen) {
            return new Settings(chosen, iterations, batchSize, latent, hidden, units, window, split, samples, rtol,
                    atol, learningRate, timeUnitHours, every, seed);
        }

        public double timeUnitMillis() {
            return timeUnitHours * HOUR_MILLIS;
        }
    }

    /**
     * One model's scores (NaN where training diverged or forecasting failed; {@code note} says why).
     *
     * @param interpolation      one-step-ahead MSE, normalised units (not yet ×10⁻³)
     * @param extrapolation      24 h → rest MSE, normalised units
     * @param reconstruction     the paper's interpolation read causally ({@link ForecastMse#reconstruction}),
     *                           NaN where the model has no bottleneck to reconstruct through
     * @param coverage90         share of held-out values inside the one-step-ahead 90 % interval
     *                           ({@link IntervalCalibration}), NaN where the model has no distribution
     * @param pitDeviation       total-variation distance of the PIT histogram from uniform, NaN likewise
     * @param iterationsRun      Adam iterations completed (−1: no training)
     */
    public record Row(String model, double interpolation, long interpolationValues, double extrapolation,
                      long extrapolationValues, double reconstruction, double coverage90, double pitDeviation,
                      double trainSeconds, double scoreSeconds, int iterationsRun, String note) {
        static Row failed(String model, double trainSeconds, double scoreSeconds, int iterations, String note) {
            return new Row(model, Double.NaN, 0, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, trainSeconds,
                    scoreSeconds, iterations, note);
        }
    }

    /**
     * @param splitRule how the test stays were chosen, for the table's footnote
     */
    public record Result(Settings settings, int channels, int trainStays, int testStays, List<Row> rows,
                         double totalSeconds, String splitRule) {
        public Result {
            rows = List.copyOf(rows);
        }

        public Row row(String model) {
            return rows.stream().filter(r -> r.model().equals(model)).findFirst().orElse(null);
        }
    }

    private PhysioNetTable() {
    }

    /**
     * With today's split rule ({@link PhysioNetSplit}: every 5th stay by RecordID is a test stay).
     *
     * @param ids      RecordIDs, aligned with {@code stays}
     * @param stays    the stays in data units (NaN = missing)
     * @param channels channel names, one per value column
     */
    public static Result run(List<String> ids, List<Series> stays, List<String> channels, Settings settings,
                             PrintStream progress) {
        PhysioNetSplit split = PhysioNetSplit.of(ids, stays);
        return run(split.train(), split.test(), channels, settings, progress, String.format(Locale.ROOT,
                "every %dth stay by RecordID of %d", PhysioNetSplit.TEST_EVERY, stays.size()));
    }

    /**
     * With the training and test stays given apart (e.g. set-a for training, set-b for testing).
     *
     * @param splitRule where the test stays come from, for the table's footnote
     */
    public static Result run(List<Series> trainStays, List<Series> testStays, List<String> channels,
                             Settings settings, PrintStream progress, String splitRule) {
        long start = System.nanoTime();
        if (channels == null || channels.isEmpty()) {
            throw new IllegalArgumentException("channels must name every value column");
        }
        if (trainStays.isEmpty() || testStays.isEmpty()) {
            throw new IllegalArgumentException("need at least one training and one test stay, got "
                    + trainStays.size() + " and " + testStays.size());
        }
        int c = channels.size();
        MinMaxNormalisation scaling = MinMaxNormalisation.fromTraining(trainStays, c);
        List<Series> train = scaling.apply(trainStays);
        List<Series> test = scaling.apply(testStays);
        List<Series> fitStays = skipFitStays(train);
        progress.printf(Locale.ROOT, "physionet: %d channels, %d training stays, %d test stays (%s); skips fitted on "
                + "%d training stays%n", c, train.size(), test.size(), splitRule, fitStays.size());
        List<Row> rows = new ArrayList<>();
        rows.add(score(LAST_VALUE, LastValueForecaster.fromTraining(train, c), test, 0, -1, progress));
        long decayStart = System.nanoTime();
        SkippedForecaster decay = SkippedForecaster.fitAround(null, fitStays, c,
                ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        rows.add(score(DECAY, decay, test, seconds(decayStart), -1, progress));
        for (String model : MODELS) {
            if (settings.models().contains(model)) {
                rows.addAll(trainAndScore(model, settings, train, fitStays, test, c, progress));
            }
        }
        return new Result(settings, c, train.size(), test.size(), rows, seconds(start), splitRule);
    }

    /** At most {@value #SKIP_FIT_STAYS} training stays, evenly spread: the skip has 3 coefficients per channel and age. */
    static List<Series> skipFitStays(List<Series> train) {
        int stride = (train.size() + SKIP_FIT_STAYS - 1) / SKIP_FIT_STAYS;
        List<Series> out = new ArrayList<>();
        for (int i = 0; i < train.size(); i += stride) {
            out.add(train.get(i));
        }
        return out;
    }

    /**
     * The model's row and its row with the observation skip fitted around it: for the latent ODE the
     * skip in its spec, served by {@link LatentFilter#predict} as the job serves it; for the baselines
     * (not served) a {@link SkippedForecaster}.
     */
    private static List<Row> trainAndScore(String name, Settings s, List<Series> train, List<Series> fitStays,
                                           List<Series> test, int c, PrintStream progress) {
        long start = System.nanoTime();
        int[] done = {0};
        Trainer.ProgressListener listener = TaggedProgress.of(progress, name, s.every(), done);
        SequenceForecaster forecaster;
        try {
            forecaster = switch (name) {
                case RNN_DT -> {
                    RnnDeltaT m = RnnDeltaT.create(c, s.hidden(), s.timeUnitMillis(), s.seed());
                    RnnDeltaT.train(m, train, s.iterations(), s.batchSize(), s.learningRate(), s.seed(), listener);
                    yield SequenceForecaster.of(m::oneStepAhead, m::predict);
                }
                case ODE_RNN -> {
                    OdeRnn m = OdeRnn.create(c, s.hidden(), new int[] {s.units()}, s.timeUnitMillis(), s.rtol(), s.atol(),
                            s.seed());
                    OdeRnn.train(m, train, s.iterations(), s.batchSize(), s.learningRate(), s.seed(), listener);
                    yield SequenceForecaster.of(m::oneStepAhead, m::predict);
                }
                case LATENT_ODE, LATENT_ODE_RNN -> latentOde(name, s, train, c, listener, progress);
                default -> throw new IllegalArgumentException("unknown model " + name);
            };
        } catch (TrainingDivergedException | SolverException e) {
            progress.println("[" + name + "] training failed: " + e.getMessage());
            String note = "training failed after " + done[0] + " iterations";
            return List.of(Row.failed(name, seconds(start), 0, done[0], note),
                    Row.failed(name + SKIP_SUFFIX, seconds(start), 0, done[0], note));
        }
        double trainSeconds = seconds(start);
        Row plain = score(name, forecaster, test, trainSeconds, done[0], progress);
        long fitStart = System.nanoTime();
        SequenceForecaster skip;
        try {
            // the latent ODE's skip goes into its spec and is scored through the path the job serves
            skip = forecaster instanceof LatentOdeForecaster latent
                    ? latent.withSkip(SkippedForecaster.fit(forecaster, fitStays, c,
                            ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS))
                    : SkippedForecaster.fitAround(forecaster, fitStays, c,
                            ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        } catch (SolverException e) {
            progress.println("[" + name + SKIP_SUFFIX + "] fitting the skip failed: " + e.getMessage());
            return List.of(plain, Row.failed(name + SKIP_SUFFIX, trainSeconds, 0, done[0],
                    "fitting the skip failed: " + e.getMessage()));
        }
        return List.of(plain, score(name + SKIP_SUFFIX, skip, test, trainSeconds + seconds(fitStart), done[0],
                progress));
    }

    static LatentOdeSpec latentSpec(Settings s, int channels, boolean rnnEncoder) {
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        java.util.Arrays.fill(ones, 1.0);
        LatentOdeSpec spec = new LatentOdeSpec(1, channels, s.latent(), s.hidden(), new int[] {s.units()},
                new int[] {s.units()}, Activation.TANH, s.timeUnitMillis(), "dopri5", s.rtol(), s.atol(), zeros, ones);
        return rnnEncoder ? spec.withEncoder(LatentOdeSpec.Encoder.RNN) : spec;
    }

    private static SequenceForecaster latentOde(String name, Settings s, List<Series> train, int c,
                                                Trainer.ProgressListener listener, PrintStream progress) {
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(latentSpec(s, c, name.equals(LATENT_ODE_RNN)), train);
        LatentOdeModel model = LatentOdeModel.create(spec, s.seed());
        long usable = train.stream().filter(x -> x.timesMillis().length >= s.window()).count();
        progress.printf(Locale.ROOT, "[%s] %s; windows of %d observations (context %d) from %d of %d training "
                + "stays%n", name, spec, s.window(), s.split(), usable, train.size());
        LatentOdeTraining.train(model, train, new LatentOdeTraining.Config(s.window(), s.split(), s.batchSize(),
                s.iterations(), s.learningRate(), 1.0, s.seed()), listener);
        model.parametersChanged();
        return new LatentOdeForecaster(new LatentFilter(model, "physionet-" + name, 1), s.samples(), s.seed());
    }

    private static Row score(String name, SequenceForecaster model, List<Series> test, double trainSeconds,
                             int iterations, PrintStream progress) {
        long start = System.nanoTime();
        ForecastMse.Mse interpolation;
        ForecastMse.Mse extrapolation;
        ForecastMse.Mse reconstruction;
        IntervalCalibration.Result calibration = null;
        try {
            interpolation = ForecastMse.interpolation(model, test);
            extrapolation = ForecastMse.extrapolation(model, test, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
            reconstruction = ForecastMse.reconstruction(model, test);
            if (model instanceof ZScoreForecaster probabilistic) {
                calibration = IntervalCalibration.oneStepAhead(probabilistic, test);
            }
        } catch (SolverException e) {
            progress.println("[" + name + "] forecasting failed: " + e.getMessage());
            return Row.failed(name, trainSeconds, seconds(start), iterations, "forecasting failed: " + e.getMessage());
        }
        double scoreSeconds = seconds(start);
        double rec = reconstruction == null ? Double.NaN : reconstruction.mse();
        double coverage = calibration == null ? Double.NaN : calibration.coverage90();
        double pit = calibration == null ? Double.NaN : calibration.pitDeviation();
        progress.printf(Locale.ROOT, "[%s] test MSE x1e-3: interpolation %.3f (%d values), extrapolation %.3f "
                        + "(%d values), reconstruction %.3f; 90%% coverage %.3f, PIT deviation %.3f; trained %.1f s, "
                        + "scored %.1f s%n", name, 1e3 * interpolation.mse(), interpolation.values(),
                1e3 * extrapolation.mse(), extrapolation.values(), 1e3 * rec, coverage, pit, trainSeconds, scoreSeconds);
        return new Row(name, interpolation.mse(), interpolation.values(), extrapolation.mse(), extrapolation.values(),
                rec, coverage, pit, trainSeconds, scoreSeconds, iterations, "");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Display name of a model row, matching the published table's names. */
    static String displayName(String model) {
        if (model.endsWith(SKIP_SUFFIX)) {
            return displayName(model.substring(0, model.length() - SKIP_SUFFIX.length())) + " + decay skip";
        }
        return switch (model) {
            case LAST_VALUE -> "Last value carried forward (no training)";
            case DECAY -> "Last value decayed toward the mean (GRU-D decay, no network)";
            case RNN_DT -> "RNN-Δt";
            case ODE_RNN -> "ODE-RNN";
            case LATENT_ODE_RNN -> "Latent ODE (RNN enc.)";
            case LATENT_ODE -> "Latent ODE (ODE enc.)";
            default -> model;
        };
    }

    /**
     * Two tables: the streaming protocol we serve (one step ahead, extrapolation, calibration), then
     * the paper's protocol (reconstruction, extrapolation) beside the published figures; then the
     * settings and run time.
     */
    public static String markdown(Result result) {
        Settings s = result.settings();
        Row base = result.rows().get(0);
        StringBuilder out = new StringBuilder();
        out.append("**Streaming protocol** (what the job serves: causal, one step ahead)\n\n");
        out.append("| Model | one-step MSE ×10⁻³ | vs last value | extrap. MSE ×10⁻³ | 90 % interval coverage "
                + "| PIT deviation | training |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (Row r : result.rows()) {
            out.append("| ").append(displayName(r.model())).append(" | ")
                    .append(cell(r.interpolation(), r.note())).append(" | ")
                    .append(Double.isNaN(r.interpolation()) ? "—" : String.format(Locale.ROOT, "%+.1f %%",
                            100 * (r.interpolation() / base.interpolation() - 1))).append(" | ")
                    .append(cell(r.extrapolation(), r.note())).append(" | ")
                    .append(fraction(r.coverage90())).append(" | ")
                    .append(Double.isNaN(r.pitDeviation()) ? "—"
                            : String.format(Locale.ROOT, "%.3f", r.pitDeviation())).append(" | ")
                    .append(r.iterationsRun() < 0 ? String.format(Locale.ROOT, "none (fit %.0f s)", r.trainSeconds())
                            : String.format(Locale.ROOT, "%d it, %.0f s (scoring %.0f s)", r.iterationsRun(),
                            r.trainSeconds(), r.scoreSeconds()))
                    .append(" |\n");
        }
        out.append("\n**The paper's protocol** (Rubanova et al. 2019 Tables 4–5; reconstruction read causally)\n\n");
        out.append("| Model | interp. (reconstruction) ×10⁻³, ours | extrap. MSE ×10⁻³, ours | interp. ×10⁻³, paper "
                + "| extrap. ×10⁻³, paper |\n");
        out.append("|---|---|---|---|---|\n");
        for (Row r : result.rows()) {
            String name = displayName(r.model());
            Published p = PUBLISHED.stream().filter(x -> x.model().equals(name)).findFirst().orElse(null);
            if (p == null) {
                continue;
            }
            out.append("| ").append(name).append(" | ")
                    .append(cell(r.reconstruction(), r.note())).append(" | ")
                    .append(cell(r.extrapolation(), r.note())).append(" | ")
                    .append(p.interpolation() == null ? "—" : p.interpolation()).append(" | ")
                    .append(p.extrapolation() == null ? "—" : p.extrapolation())
                    .append(" |\n");
        }
        out.append(String.format(Locale.ROOT,
                "%nOurs: %d test stays (%s), trained on %d stays (decay skips fitted on at most %d of them); %d "
                        + "channels min-max scaled on the training stays. One step ahead: each observed value of "
                        + "observation k ≥ 1 forecast at its time from the observations before it (%d values). "
                        + "Extrapolation: conditioned on t < 24 h, every observed value at t ≥ 24 h (%d values). "
                        + "Reconstruction: each observed value read back at its time from the observations up to "
                        + "and including it. Coverage: share of one-step-ahead values inside the central 90 %% "
                        + "interval (Gaussian, moment-matched for the latent ODE's mixture); PIT deviation: ½ Σ "
                        + "|share − 0.1| over 10 PIT bins (0 = uniform). Paper: Rubanova et al. 2019 Tables 4–5, "
                        + "8000 stays, mean ± sd over runs.%n"
                        + "Settings: models %s, iterations %d, batch %d, latent %d, GRU hidden %d, ODE units %d, "
                        + "latent-ODE windows %d (context %d), posterior samples %d, dopri5 rtol %.0e atol %.0e, "
                        + "Adam lr %.3g, time unit %.4g h, seed %d. Total run time %.1f s.%n",
                result.testStays(), result.splitRule(), result.trainStays(), SKIP_FIT_STAYS, result.channels(),
                base.interpolationValues(), base.extrapolationValues(),
                String.join(",", s.models()), s.iterations(), s.batchSize(), s.latent(), s.hidden(), s.units(),
                s.window(), s.split(), s.samples(), s.rtol(), s.atol(), s.learningRate(), s.timeUnitHours(), s.seed(),
                result.totalSeconds()));
        return out.toString();
    }

    private static String fraction(double share) {
        return Double.isNaN(share) ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }

    private static String cell(double mse, String note) {
        if (Double.isNaN(mse)) {
            return note.isEmpty() ? "—" : note;
        }
        return String.format(Locale.ROOT, "%.3f", 1e3 * mse);
    }
}
