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
 *   <li>Baseline without training: {@link LastValueForecaster}.</li>
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
     * @param iterationsRun      Adam iterations completed (−1: no training)
     */
    public record Row(String model, double interpolation, long interpolationValues, double extrapolation,
                      long extrapolationValues, double trainSeconds, double scoreSeconds, int iterationsRun,
                      String note) {
    }

    public record Result(Settings settings, int channels, int trainStays, int testStays, List<Row> rows,
                         double totalSeconds) {
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
     * @param ids      RecordIDs, aligned with {@code stays}
     * @param stays    the stays in data units (NaN = missing)
     * @param channels channel names, one per value column
     */
    public static Result run(List<String> ids, List<Series> stays, List<String> channels, Settings settings,
                             PrintStream progress) {
        long start = System.nanoTime();
        if (channels == null || channels.isEmpty()) {
            throw new IllegalArgumentException("channels must name every value column");
        }
        int c = channels.size();
        PhysioNetSplit split = PhysioNetSplit.of(ids, stays);
        MinMaxNormalisation scaling = MinMaxNormalisation.fromTraining(split.train(), c);
        List<Series> train = scaling.apply(split.train());
        List<Series> test = scaling.apply(split.test());
        progress.printf(Locale.ROOT, "physionet: %d channels, %d training stays, %d test stays (every %dth by "
                + "RecordID)%n", c, train.size(), test.size(), PhysioNetSplit.TEST_EVERY);
        List<Row> rows = new ArrayList<>();
        rows.add(score(LAST_VALUE, LastValueForecaster.fromTraining(train, c), test, 0, -1, progress));
        for (String model : MODELS) {
            if (settings.models().contains(model)) {
                rows.add(trainAndScore(model, settings, train, test, c, progress));
            }
        }
        return new Result(settings, c, train.size(), test.size(), rows, seconds(start));
    }

    private static Row trainAndScore(String name, Settings s, List<Series> train, List<Series> test, int c,
                                     PrintStream progress) {
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
            return new Row(name, Double.NaN, 0, Double.NaN, 0, seconds(start), 0, done[0],
                    "training failed after " + done[0] + " iterations");
        }
        return score(name, forecaster, test, seconds(start), done[0], progress);
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
        try {
            interpolation = ForecastMse.interpolation(model, test);
            extrapolation = ForecastMse.extrapolation(model, test, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        } catch (SolverException e) {
            progress.println("[" + name + "] forecasting failed: " + e.getMessage());
            return new Row(name, Double.NaN, 0, Double.NaN, 0, trainSeconds, seconds(start), iterations,
                    "forecasting failed: " + e.getMessage());
        }
        double scoreSeconds = seconds(start);
        progress.printf(Locale.ROOT, "[%s] test MSE x1e-3: interpolation %.3f (%d values), extrapolation %.3f "
                        + "(%d values); trained %.1f s, scored %.1f s%n", name, 1e3 * interpolation.mse(),
                interpolation.values(), 1e3 * extrapolation.mse(), extrapolation.values(), trainSeconds,
                scoreSeconds);
        return new Row(name, interpolation.mse(), interpolation.values(), extrapolation.mse(), extrapolation.values(),
                trainSeconds, scoreSeconds, iterations, "");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Display name of a model row, matching the published table's names. */
    static String displayName(String model) {
        return switch (model) {
            case LAST_VALUE -> "Last value carried forward (no training)";
            case RNN_DT -> "RNN-Δt";
            case ODE_RNN -> "ODE-RNN";
            case LATENT_ODE_RNN -> "Latent ODE (RNN enc.)";
            case LATENT_ODE -> "Latent ODE (ODE enc.)";
            default -> model;
        };
    }

    /** The Markdown table: ours beside the published figures, then the settings and run time. */
    public static String markdown(Result result) {
        Settings s = result.settings();
        StringBuilder out = new StringBuilder();
        out.append("| Model | interp. MSE ×10⁻³, ours | extrap. MSE ×10⁻³, ours | interp. ×10⁻³, paper "
                + "| extrap. ×10⁻³, paper | training |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Row r : result.rows()) {
            String name = displayName(r.model());
            Published p = PUBLISHED.stream().filter(x -> x.model().equals(name)).findFirst().orElse(null);
            out.append("| ").append(name).append(" | ")
                    .append(cell(r.interpolation(), r.note())).append(" | ")
                    .append(cell(r.extrapolation(), r.note())).append(" | ")
                    .append(p == null || p.interpolation() == null ? "—" : p.interpolation()).append(" | ")
                    .append(p == null || p.extrapolation() == null ? "—" : p.extrapolation()).append(" | ")
                    .append(r.iterationsRun() < 0 ? "none"
                            : String.format(Locale.ROOT, "%d it, %.0f s (scoring %.0f s)", r.iterationsRun(),
                            r.trainSeconds(), r.scoreSeconds()))
                    .append(" |\n");
        }
        Row base = result.rows().get(0);
        out.append(String.format(Locale.ROOT,
                "%nOurs: %d test stays (every %dth by RecordID) of %d, trained on the other %d; %d channels min-max "
                        + "scaled on the training stays. Interpolation: each observed value of observation k ≥ 1 "
                        + "forecast at its time from the observations before it (%d values). Extrapolation: "
                        + "conditioned on t < 24 h, every observed value at t ≥ 24 h (%d values). Paper: Rubanova "
                        + "et al. 2019 Tables 4–5, 8000 stays, reconstruction for interpolation, mean ± sd over "
                        + "runs.%n"
                        + "Settings: models %s, iterations %d, batch %d, latent %d, GRU hidden %d, ODE units %d, "
                        + "latent-ODE windows %d (context %d), posterior samples %d, dopri5 rtol %.0e atol %.0e, "
                        + "Adam lr %.3g, time unit %.4g h, seed %d. Total run time %.1f s.%n",
                result.testStays(), PhysioNetSplit.TEST_EVERY, result.trainStays() + result.testStays(),
                result.trainStays(), result.channels(), base.interpolationValues(), base.extrapolationValues(),
                String.join(",", s.models()), s.iterations(), s.batchSize(), s.latent(), s.hidden(), s.units(),
                s.window(), s.split(), s.samples(), s.rtol(), s.atol(), s.learningRate(), s.timeUnitHours(), s.seed(),
                result.totalSeconds()));
        return out.toString();
    }

    private static String cell(double mse, String note) {
        if (Double.isNaN(mse)) {
            return note.isEmpty() ? "—" : note;
        }
        return String.format(Locale.ROOT, "%.3f", 1e3 * mse);
    }
}
