package io.odestream.eval.spiral;

import io.odestream.eval.baseline.RnnDeltaT;
import io.odestream.eval.TaggedProgress;
import io.odestream.eval.spiral.SpiralDataset.Spiral;
import io.odestream.eval.spiral.SpiralDataset.Subsample;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.nn.Activation;
import io.odestream.train.TrainingDivergedException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chen et al. 2018, Table 2 (predictive RMSE on irregularly sampled spirals) reproduced with our
 * latent ODE (ODE-RNN encoder and RNN encoder) and the RNN-Δt baseline.
 *
 * <p>Usage:
 * <pre>
 *   java -cp ode-core.jar:deps io.odestream.eval.spiral.SpiralTable [--iterations 2000] [--batch 50]
 *        [--spirals 1000] [--counts 30,50,100] [--samples 20] [--rtol 1e-3] [--atol 1e-4]
 *        [--every 50] [--seed 1] [--models latent-ode,latent-ode-rnn,rnn]
 * </pre>
 * Progress lines (iteration, loss, it/s) go to stderr, the Markdown table to stdout. {@code --models}
 * runs only the named rows ({@link Model}; default all), e.g. {@code --models latent-ode-rnn} to
 * regenerate one row: data, split, subsamples and seeds do not depend on which rows run, so a row
 * run alone reproduces the same row of a full run.
 *
 * <p>Protocol: {@link SpiralDataset#generate} (1000 spirals); a seeded 80/20 split into 800
 * training and 200 test spirals (the first 80 % of the generated order, whose orientations are
 * already shuffled). For each n in {30, 50, 100}: every training spiral is subsampled once to n
 * irregular points; both models train on those; the metric is {@link PredictiveRmse} on the test
 * spirals (condition on the first half of an n-subsample, predict every later stretch time against
 * the noise-free truth).
 *
 * <p>Models, and where they differ from the paper's:
 * <ul>
 *   <li>Latent ODE: latent 4, latent dynamics 4→20→20→4 (ELU), Adam lr 0.01, KL weight 1. Our encoder
 *       is the causal ODE-RNN filter (GRU 25 hidden, encoder ODE 25→20→25, ELU), not the paper's
 *       RNN run backwards over the sequence; it reads the first half of each training window and the
 *       ELBO scores the second half (forecast training, as the table scores forecasts). The readout is
 *       linear 4→2 (the paper: 4→20→2 ReLU). The learning rate decays tenfold over the run
 *       (LatentOdeTraining's schedule). Minibatches of {@code batch} spirals, not the whole set.
 *       dopri5 at the given tolerances. Predictions: {@link LatentFilter} updated on the conditioning
 *       points, predictive mean over {@code samples} posterior samples.</li>
 *   <li>Latent ODE, RNN encoder: the same model, settings, training loop and filter with
 *       {@link LatentOdeSpec.Encoder#RNN}: no encoder ODE, the GRU (25 hidden) gets the gap since
 *       the previous observation as an extra input. The paper's latent ODE also used an RNN encoder,
 *       but run backwards over the whole sequence (Chen et al. 2018); ours runs forwards (causal, as
 *       the stream's filter must), so this row is the closer architectural match to the paper's
 *       model, not a reproduction of it ("Latent ODE (RNN enc.)" of Rubanova et al. 2019).</li>
 *   <li>RNN-Δt ({@link RnnDeltaT}): GRU 25 hidden, Δt in grid steps, trained one step ahead (teacher
 *       forcing) on the normalised training subsamples, Adam lr 0.01 constant. Two rows: its own
 *       prediction convention (one GRU step of Δt = query − last conditioning time) and an
 *       autoregressive rollout ({@link #rollout}: predictions fed back at every stretch time).</li>
 * </ul>
 */
public final class SpiralTable {
    /** Chen et al. 2018 Table 2, for 30 / 50 / 100 observed points. */
    static final double[] PAPER_RNN = {0.3937, 0.3202, 0.1813};
    static final double[] PAPER_LATENT_ODE = {0.1642, 0.1502, 0.1346};
    static final int[] PAPER_COUNTS = {30, 50, 100};
    private static final double LEARNING_RATE = 0.01;
    private static final int RNN_HIDDEN = 25;
    private static final long TRAIN_SUBSAMPLE_SEED = 1_000_000L;
    private static final long TEST_SUBSAMPLE_SEED = 2_000_000L;

    /**
     * @param spirals    spirals generated (even); 80 % train, 20 % test
     * @param counts     observed points per spiral, one table column each
     * @param iterations Adam iterations per model
     * @param batchSize  spirals per iteration
     * @param samples    posterior samples of the latent ODE's predictive mean
     * @param rtol       dopri5 relative tolerance (training and prediction)
     * @param atol       dopri5 absolute tolerance
     * @param every      a progress line every this many iterations
     * @param seed       data, split, initialisation and minibatches
     * @param models     the rows to train and score (the paper's rows are always shown)
     */
    public record Settings(int spirals, int[] counts, int iterations, int batchSize, int samples, double rtol,
                           double atol, int every, long seed, Set<Model> models) {
        public Settings {
            if (spirals < 10 || spirals % 2 != 0) {
                throw new IllegalArgumentException("spirals must be an even number >= 10, got " + spirals);
            }
            if (counts == null || counts.length == 0) {
                throw new IllegalArgumentException("counts must name at least one subsample size, e.g. 30,50,100");
            }
            for (int n : counts) {
                if (n < 4 || n > SpiralDataset.STRETCH) {
                    throw new IllegalArgumentException("counts must lie in [4, 100] (a context and a horizon of "
                            + "at least two points each), got " + n);
                }
            }
            if (iterations < 1 || batchSize < 1 || samples < 1 || every < 1) {
                throw new IllegalArgumentException("iterations, batch, samples and every must be >= 1");
            }
            if (!(rtol > 0) || !(atol > 0)) {
                throw new IllegalArgumentException("rtol and atol must be > 0");
            }
            if (models == null || models.isEmpty()) {
                throw new IllegalArgumentException("models must name at least one of "
                        + Arrays.stream(Model.values()).map(Model::flag).toList());
            }
            counts = counts.clone();
            models = Collections.unmodifiableSet(EnumSet.copyOf(models));
        }

        /** Every row. */
        public Settings(int spirals, int[] counts, int iterations, int batchSize, int samples, double rtol,
                        double atol, int every, long seed) {
            this(spirals, counts, iterations, batchSize, samples, rtol, atol, every, seed, EnumSet.allOf(Model.class));
        }

        public static Settings paper() {
            return new Settings(1000, PAPER_COUNTS, 2000, 50, 20, 1e-3, 1e-4, 50, 1L);
        }

        public Settings withModels(Set<Model> chosen) {
            return new Settings(spirals, counts, iterations, batchSize, samples, rtol, atol, every, seed, chosen);
        }
    }

    /** One model at one n: test RMSE (NaN if training diverged) and training time. */
    public record Cell(double rmse, double trainSeconds, int iterationsRun) {
    }

    /**
     * Row-wise results, one cell per count: latent ODE (ODE-RNN encoder), latent ODE (RNN encoder),
     * RNN-Δt predicting directly and rolled out. A row that was not chosen is null.
     */
    public record Result(Settings settings, Cell[] latentOde, Cell[] latentOdeRnn, Cell[] rnn, Cell[] rnnRollout,
                         double totalSeconds) {
    }

    private SpiralTable() {
    }

    /** The table's trained rows, by their {@code --models} name. */
    public enum Model {
        /** Latent ODE with the ODE-RNN encoder. */
        LATENT_ODE("latent-ode"),
        /** Latent ODE with the RNN encoder. */
        LATENT_ODE_RNN("latent-ode-rnn"),
        /** RNN-Δt, both rows (one Δt step and rolled out): one trained model. */
        RNN("rnn");

        private final String flag;

        Model(String flag) {
            this.flag = flag;
        }

        public String flag() {
            return flag;
        }

        /** The models a comma-separated list of flags names, e.g. {@code latent-ode,rnn}. */
        public static Set<Model> parse(String list) {
            Set<Model> models = EnumSet.noneOf(Model.class);
            for (String name : list.split(",")) {
                String trimmed = name.trim();
                models.add(Arrays.stream(values()).filter(m -> m.flag.equals(trimmed)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("models: unknown model '" + trimmed
                                + "'; name some of " + Arrays.stream(values()).map(Model::flag).toList())));
            }
            return models;
        }
    }

    public static Result run(Settings settings, PrintStream progress) {
        long start = System.nanoTime();
        List<Spiral> spirals = SpiralDataset.generate(settings.spirals(), settings.seed());
        int trainCount = (int) Math.round(0.8 * spirals.size());
        List<Spiral> train = spirals.subList(0, trainCount);
        List<Spiral> test = spirals.subList(trainCount, spirals.size());
        progress.printf(Locale.ROOT, "spirals: %d train, %d test%n", train.size(), test.size());
        int k = settings.counts().length;
        Set<Model> models = settings.models();
        Cell[] latent = models.contains(Model.LATENT_ODE) ? new Cell[k] : null;
        Cell[] latentRnn = models.contains(Model.LATENT_ODE_RNN) ? new Cell[k] : null;
        Cell[] rnn = models.contains(Model.RNN) ? new Cell[k] : null;
        Cell[] rnnRollout = models.contains(Model.RNN) ? new Cell[k] : null;
        for (int c = 0; c < k; c++) {
            int n = settings.counts()[c];
            List<Series> series = new ArrayList<>(train.size());
            for (int i = 0; i < train.size(); i++) {
                Subsample s = train.get(i).subsample(n, TRAIN_SUBSAMPLE_SEED + i);
                series.add(new Series(s.timesMillis(), s.values()));
            }
            if (latent != null) {
                latent[c] = latentOde(settings, LatentOdeSpec.Encoder.ODE_RNN, n, series, test, progress);
            }
            if (latentRnn != null) {
                latentRnn[c] = latentOde(settings, LatentOdeSpec.Encoder.RNN, n, series, test, progress);
            }
            if (rnn != null) {
                Cell[] baseline = rnnDeltaT(settings, n, series, test, progress);
                rnn[c] = baseline[0];
                rnnRollout[c] = baseline[1];
            }
        }
        return new Result(settings, latent, latentRnn, rnn, rnnRollout, (System.nanoTime() - start) / 1e9);
    }

    static LatentOdeSpec spec(Settings settings) {
        return new LatentOdeSpec(1, 2, 4, RNN_HIDDEN, new int[] {20}, new int[] {20, 20}, Activation.ELU,
                SpiralDataset.MILLIS_PER_TIME_UNIT, "dopri5", settings.rtol(), settings.atol(),
                new double[] {0, 0}, new double[] {1, 1});
    }

    /** The same latent ODE row for either encoder: same spec (but the encoder), seeds, training and filter. */
    private static Cell latentOde(Settings settings, LatentOdeSpec.Encoder encoder, int n, List<Series> series,
                                  List<Spiral> test, PrintStream progress) {
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(spec(settings).withEncoder(encoder), series);
        LatentOdeModel model = LatentOdeModel.create(spec, settings.seed());
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(n, PredictiveRmse.conditioningCount(n),
                settings.batchSize(), settings.iterations(), LEARNING_RATE, 1.0, settings.seed());
        String tag = (encoder == LatentOdeSpec.Encoder.RNN ? Model.LATENT_ODE_RNN : Model.LATENT_ODE).flag()
                + " n=" + n;
        long start = System.nanoTime();
        int[] done = {0};
        try {
            LatentOdeTraining.train(model, series, config, TaggedProgress.of(progress, tag, settings.every(), done));
        } catch (TrainingDivergedException e) {
            progress.println("[" + tag + "] training diverged: " + e.getMessage());
            return new Cell(Double.NaN, seconds(start), done[0]);
        }
        double trainSeconds = seconds(start);
        model.parametersChanged();
        LatentFilter filter = new LatentFilter(model, "spiral-n" + n, 1);
        long[] predictSeed = {settings.seed()};
        double rmse = PredictiveRmse.of(test, n, TEST_SUBSAMPLE_SEED, (times, values, queries) -> {
            FilterState state = filter.start(times[0]);
            for (int i = 0; i < times.length; i++) {
                state = filter.update(state, times[i], values[i], null);
            }
            return filter.predict(state, queries, settings.samples(), predictSeed[0]++).mean();
        });
        progress.printf(Locale.ROOT, "[%s] test RMSE %.4f (trained in %.1f s)%n", tag, rmse, trainSeconds);
        return new Cell(rmse, trainSeconds, done[0]);
    }

    /** RNN-Δt at n: {direct one-Δt-step prediction, autoregressive rollout}. */
    private static Cell[] rnnDeltaT(Settings settings, int n, List<Series> series, List<Spiral> test,
                                  PrintStream progress) {
        // RnnDeltaT works in data units; the spirals reach |x| ≈ 10, so feed it z-scored values.
        LatentOdeSpec norm = LatentOdeTraining.normalisedFor(spec(settings), series);
        double[] mean = norm.channelMean();
        double[] std = norm.channelStd();
        List<Series> scaled = new ArrayList<>(series.size());
        for (Series s : series) {
            scaled.add(new Series(s.timesMillis(), normalise(s.values(), mean, std)));
        }
        double step = SpiralDataset.toMillis(SpiralDataset.gridTime(1));
        RnnDeltaT model = RnnDeltaT.create(2, RNN_HIDDEN, step, settings.seed());
        String tag = "rnn-dt n=" + n;
        long start = System.nanoTime();
        int[] done = {0};
        try {
            RnnDeltaT.train(model, scaled, settings.iterations(), settings.batchSize(), LEARNING_RATE,
                    settings.seed(), TaggedProgress.of(progress, tag, settings.every(), done));
        } catch (TrainingDivergedException e) {
            progress.println("[" + tag + "] training diverged: " + e.getMessage());
            Cell failed = new Cell(Double.NaN, seconds(start), done[0]);
            return new Cell[] {failed, failed};
        }
        double trainSeconds = seconds(start);
        double direct = PredictiveRmse.of(test, n, TEST_SUBSAMPLE_SEED, (times, values, queries) ->
                denormalise(model.predict(times, normalise(values, mean, std), queries), mean, std));
        double rollout = PredictiveRmse.of(test, n, TEST_SUBSAMPLE_SEED, (times, values, queries) ->
                denormalise(rollout(model, times, normalise(values, mean, std), queries), mean, std));
        progress.printf(Locale.ROOT, "[%s] test RMSE %.4f one Δt step, %.4f rolled out (trained in %.1f s)%n", tag,
                direct, rollout, trainSeconds);
        return new Cell[] {new Cell(direct, trainSeconds, done[0]), new Cell(rollout, trainSeconds, done[0])};
    }

    /**
     * Autoregressive prediction: each query time (ascending) is predicted from the conditioning
     * points plus the predictions before it, fed back as observations. The direct one-step
     * prediction asks the GRU for Δt far beyond the gaps it was trained on (one to a few grid
     * steps); rolling out keeps every Δt at one grid step, as the paper's RNN extrapolates.
     */
    static double[][] rollout(RnnDeltaT model, long[] times, double[][] values, long[] queries) {
        int m = times.length;
        long[] t = Arrays.copyOf(times, m + queries.length);
        double[][] v = Arrays.copyOf(values, m + queries.length);
        double[][] out = new double[queries.length][];
        long[] one = new long[1];
        for (int q = 0; q < queries.length; q++) {
            one[0] = queries[q];
            out[q] = model.predict(Arrays.copyOf(t, m + q), Arrays.copyOf(v, m + q), one)[0];
            t[m + q] = queries[q];
            v[m + q] = out[q];
        }
        return out;
    }

    private static double[][] denormalise(double[][] z, double[] mean, double[] std) {
        for (double[] row : z) {
            for (int j = 0; j < row.length; j++) {
                row[j] = mean[j] + std[j] * row[j];
            }
        }
        return z;
    }

    private static double[][] normalise(double[][] values, double[] mean, double[] std) {
        double[][] out = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = new double[values[i].length];
            for (int j = 0; j < values[i].length; j++) {
                out[i][j] = (values[i][j] - mean[j]) / std[j];
            }
        }
        return out;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The Markdown table: our RMSE beside the paper's for each n, then settings and run time. */
    public static String markdown(Result result) {
        Settings s = result.settings();
        StringBuilder out = new StringBuilder();
        out.append("| Model | ");
        for (int n : s.counts()) {
            out.append(n).append(" points | ");
        }
        out.append("\n|---|");
        out.append("---|".repeat(s.counts().length));
        out.append('\n');
        row(out, "RNN-Δt, one Δt step (ours)", result.rnn(), s);
        row(out, "RNN-Δt, rolled out (ours)", result.rnnRollout(), s);
        row(out, "RNN (paper)", paper(PAPER_RNN, s), s);
        row(out, "Latent ODE (ours)", result.latentOde(), s);
        row(out, "Latent ODE, RNN encoder (ours)", result.latentOdeRnn(), s);
        row(out, "Latent ODE (paper)", paper(PAPER_LATENT_ODE, s), s);
        out.append(String.format(Locale.ROOT,
                "%nPredictive RMSE on %d test spirals (of %d; 80/20 split), conditioning on the first half of each "
                        + "n-subsample and scoring the noise-free trajectory at every later stretch time.%n"
                        + "Settings: iterations %d, batch %d, posterior samples %d, dopri5 rtol %.0e atol %.0e, "
                        + "seed %d. Total run time %.1f s.%n",
                s.spirals() - (int) Math.round(0.8 * s.spirals()), s.spirals(), s.iterations(), s.batchSize(),
                s.samples(), s.rtol(), s.atol(), s.seed(), result.totalSeconds()));
        return out.toString();
    }

    private static Cell[] paper(double[] values, Settings s) {
        Cell[] cells = new Cell[s.counts().length];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = new Cell(Double.NaN, Double.NaN, -1);
            for (int p = 0; p < PAPER_COUNTS.length; p++) {
                if (PAPER_COUNTS[p] == s.counts()[c]) {
                    cells[c] = new Cell(values[p], Double.NaN, -1);
                }
            }
        }
        return cells;
    }

    /** One Markdown row; none for a row that was not run (null cells). */
    private static void row(StringBuilder out, String name, Cell[] cells, Settings s) {
        if (cells == null) {
            return;
        }
        out.append("| ").append(name).append(" | ");
        for (Cell cell : cells) {
            if (Double.isNaN(cell.rmse())) {
                out.append(cell.iterationsRun() >= 0 ? "diverged" : "—");
            } else {
                out.append(String.format(Locale.ROOT, "%.4f", cell.rmse()));
                if (cell.iterationsRun() >= 0) {
                    out.append(String.format(Locale.ROOT, " (train %.0f s)", cell.trainSeconds()));
                }
            }
            out.append(" | ");
        }
        out.append('\n');
    }

    public static void main(String[] args) {
        Settings d = Settings.paper();
        int spirals = d.spirals();
        int[] counts = d.counts();
        int iterations = d.iterations();
        int batch = d.batchSize();
        int samples = d.samples();
        double rtol = d.rtol();
        double atol = d.atol();
        int every = d.every();
        long seed = d.seed();
        Set<Model> models = d.models();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value; see the usage in SpiralTable's javadoc");
            }
            String v = args[++i];
            switch (flag) {
                case "--spirals" -> spirals = Integer.parseInt(v);
                case "--counts" -> counts = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--iterations" -> iterations = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--samples" -> samples = Integer.parseInt(v);
                case "--rtol" -> rtol = Double.parseDouble(v);
                case "--atol" -> atol = Double.parseDouble(v);
                case "--every" -> every = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--models" -> models = Model.parse(v);
                default -> throw new IllegalArgumentException("unknown option " + flag + "; options: --spirals "
                        + "--counts --iterations --batch --samples --rtol --atol --every --seed --models");
            }
        }
        Result result = run(new Settings(spirals, counts, iterations, batch, samples, rtol, atol, every, seed, models),
                System.err);
        System.out.print(markdown(result));
    }
}
