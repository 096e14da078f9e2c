package io.odestream.eval.physionet;

import io.odestream.eval.TaggedProgress;
import io.odestream.latent.FromStartTraining;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import io.odestream.nn.Activation;
import io.odestream.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rubanova et al. 2019's own PhysioNet protocol (§4.2, Tables 4–5) for the latent ODE with ODE-RNN
 * encoder, beside the streaming table ({@link PhysioNetTable}):
 * <ul>
 *   <li>Model: their sizes — latent 20, encoder state 40, encoder and decoder ODE nets of 3 hidden
 *       layers of 50 tanh units (their {@code -l 20 --rec-dims 40 --rec-layers 3 --gen-layers 3
 *       --units 50}); time in units of 48 h (their t / max t); dopri5.</li>
 *   <li>Encoder: the ODE-RNN run backwards over the stay into q(z₀) at its first observation.</li>
 *   <li>Objective ({@link FromStartTraining}): per trained model, reconstruction of every observed
 *       value of the whole stay (their interpolation) or, for {@link FromStartTraining.Objective#EXTRAPOLATION},
 *       the values at t ≥ 24 h from those before; KL weight annealed as their code does.</li>
 *   <li>Metrics ({@link PaperMse}, through {@link FromStartForecaster}, posterior mean of z₀):
 *       interpolation = every observed value of a test stay reconstructed from all of them;
 *       extrapolation = every observed value at t ≥ 24 h from those before. Every trained model is
 *       scored both ways.</li>
 * </ul>
 * Not like the paper: learned per-channel observation noise (theirs: fixed 0.01) on z-scored
 * channels; the ELBO pooled over observed values (theirs: per stay and channel averaged); the
 * predictive mean of z₀ (theirs: samples); their GRU's 50-unit gate networks are single layers
 * here; min and max from the training stays only; 37 time-varying channels (theirs: 41 with the
 * static ones); far fewer iterations.
 */
public final class PaperProtocol {
    /** Rubanova et al. 2019 Tables 4–5, latent ODE with ODE-RNN encoder, ×10⁻³ (mean ± sd). */
    static final String PAPER_INTERPOLATION = "2.118 ± 0.271";
    static final String PAPER_EXTRAPOLATION = "2.231 ± 0.029";
    static final long CUTOFF_MILLIS = ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS;

    /**
     * @param objectives   one model trained per objective
     * @param iterations   Adam iterations per model
     * @param batchSize    stays per iteration
     * @param latent       latent size (theirs 20)
     * @param hidden       encoder state size (theirs 40)
     * @param units        width of each hidden layer of both ODE nets (theirs 50)
     * @param layers       hidden layers of both ODE nets (theirs 3)
     * @param learningRate Adam's initial rate (decays tenfold)
     * @param rtol         dopri5 relative tolerance
     * @param atol         dopri5 absolute tolerance
     * @param timeUnitHours one unit of model time
     * @param every        a progress line (and a checkpoint, with {@code saveDir}) every this many iterations
     * @param seed         initialisation, minibatches, noise
     * @param saveDir      where each model is written as an artifact at every progress line (null: not)
     * @param encoderStep  the encoder's fixed Euler step in model time (theirs: a fiftieth of the time
     *                     span, 0.02 at 48 h units); 0: adaptive dopri5 like the decoder
     * @param warmStart    a saved model (from {@code saveDir}) every objective's training starts from,
     *                     instead of a fresh initialisation (null: fresh); its own sizes and time unit
     *                     replace the ones above
     * @param predictiveSamples the scores' predictions: 0 decodes z₀'s posterior mean (as the paper's
     *                     evaluation reads its posterior), K > 0 averages K posterior draws' decodings
     *                     (the predictive mean, the squared error's minimiser)
     */
    public record Settings(List<FromStartTraining.Objective> objectives, int iterations, int batchSize, int latent,
                           int hidden, int units, int layers, double learningRate, double rtol, double atol,
                           double timeUnitHours, int every, long seed, Path saveDir, double encoderStep,
                           Path warmStart, int predictiveSamples) {
        public Settings {
            if (objectives == null || objectives.isEmpty()) {
                throw new IllegalArgumentException("name at least one objective: reconstruction, extrapolation");
            }
            objectives = List.copyOf(objectives);
            if (iterations < 1 || batchSize < 1 || latent < 1 || hidden < 1 || units < 1 || layers < 1 || every < 1) {
                throw new IllegalArgumentException("iterations, batch, latent, hidden, units, layers and every must "
                        + "be >= 1");
            }
            if (predictiveSamples < 0) {
                throw new IllegalArgumentException("predictive samples must be >= 0 (0: z0's posterior mean), got "
                        + predictiveSamples);
            }
            if (!(learningRate > 0) || !(rtol > 0) || !(atol > 0) || !(timeUnitHours > 0)) {
                throw new IllegalArgumentException("learning rate, rtol, atol and the time unit must be > 0");
            }
        }

        /** Their sizes; 300 iterations of 50 stays, the reconstruction objective. */
        public static Settings defaults() {
            return new Settings(List.of(FromStartTraining.Objective.RECONSTRUCTION), 300, 50, 20, 40, 50, 3, 0.01,
                    1e-3, 1e-4, 48.0, 10, 1L, null, 0.02, null, 0);
        }

        LatentOdeSpec spec(int channels) {
            int[] net = new int[layers];
            Arrays.fill(net, units);
            double[] zeros = new double[channels];
            double[] ones = new double[channels];
            Arrays.fill(ones, 1.0);
            return new LatentOdeSpec(1, channels, latent, hidden, net, net, Activation.TANH,
                    timeUnitHours * PhysioNetTable.HOUR_MILLIS, "dopri5", rtol, atol, zeros, ones);
        }
    }

    /**
     * One trained model's scores; MSEs ×1 (the table shows ×10⁻³). {@code iterations} −1: a saved model
     * scored without training; {@code trainedBefore} > 0: trained that many iterations before this run
     * (a warm start); {@code predictiveSamples} as in {@link Settings}.
     */
    public record Row(FromStartTraining.Objective objective, int iterations, int trainedBefore, double wallSeconds,
                      double cpuSeconds, double finalLoss, PaperMse interpolation, PaperMse extrapolation,
                      double scoreSeconds, int predictiveSamples) {
    }

    /** A saved model to go on training, and how many iterations it has had (its lineage says). */
    record WarmStart(LatentOdeModel model, int trainedBefore) {
        static WarmStart read(Path artifact, int channels) {
            ModelArtifact saved = ModelArtifacts.read(artifact);
            LatentOdeModel model = LatentOdeModel.fromArtifact(saved);
            if (model.spec().channels() != channels) {
                throw new IllegalArgumentException("the warm-start model " + artifact + " has "
                        + model.spec().channels() + " channels, the stays have " + channels);
            }
            String trained = saved.getLineage().get("iterations");
            int before;
            try {
                before = trained == null ? 0 : Integer.parseInt(trained);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the warm-start model " + artifact + " says it was trained '"
                        + trained + "' iterations, not a count", e);
            }
            return new WarmStart(model, before);
        }
    }

    public record Result(Settings settings, int trainStays, int testStays, String data, List<Row> rows,
                         double totalSeconds) {
    }

    private PaperProtocol() {
    }

    /**
     * Trains one model per objective on {@code train} and scores {@code test}; both in the harness's
     * min-max units of {@code scaling} (learned on {@code train}).
     */
    public static Result run(List<Series> train, List<Series> test, MinMaxNormalisation scaling, Settings s,
                             PrintStream progress, String data) {
        long start = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (FromStartTraining.Objective objective : s.objectives()) {
            String tag = "paper-" + objective.name().toLowerCase(Locale.ROOT);
            LatentOdeModel model;
            int trainedBefore;
            if (s.warmStart() != null) {
                WarmStart warm = WarmStart.read(s.warmStart(), scaling.channels());
                model = warm.model();
                trainedBefore = warm.trainedBefore();
            } else {
                model = LatentOdeModel.create(LatentOdeTraining.normalisedFor(s.spec(scaling.channels()), train),
                        s.seed());
                trainedBefore = 0;
            }
            progress.printf(Locale.ROOT, "[%s] %s; %d parameters; %d training stays, %d iterations of %d stays%s%n",
                    tag, model.spec(), model.parameters().size(), train.size(), s.iterations(), s.batchSize(),
                    trainedBefore > 0 || s.warmStart() != null
                            ? String.format(Locale.ROOT, ", warm start from %s (%d iterations)", s.warmStart(),
                                    trainedBefore) : "");
            int[] done = new int[1];
            Trainer.ProgressListener print = TaggedProgress.of(progress, tag, s.every(), done);
            Trainer.ProgressListener listener = p -> {
                print.report(p);
                if (s.saveDir() != null && ((p.iteration() + 1) % s.every() == 0 || p.iteration() + 1 == p.iterations())) {
                    save(model, tag, trainedBefore + p.iteration() + 1, s.saveDir());
                }
            };
            long trainStart = System.nanoTime();
            long cpuStart = cpuNanos();
            Trainer.Result trained = FromStartTraining.train(model, train, new FromStartTraining.Config(s.batchSize(),
                    s.iterations(), s.learningRate(), objective, CUTOFF_MILLIS, s.seed(), s.encoderStep(),
                    trainedBefore), listener);
            double wall = (System.nanoTime() - trainStart) / 1e9;
            double cpu = (cpuNanos() - cpuStart) / 1e9;
            model.parametersChanged();
            rows.add(score(objective, model, s.encoderStep(), s.predictiveSamples(), s.seed(), test, scaling,
                    s.iterations(), trainedBefore, wall, cpu, trained.finalLoss()));
            Row r = rows.get(rows.size() - 1);
            progress.printf(Locale.ROOT, "[%s] interpolation %.3f, extrapolation %.3f x1e-3 (max units)%n", tag,
                    1e3 * r.interpolation().pooledMax(), 1e3 * r.extrapolation().pooledMax());
        }
        return new Result(s, train.size(), test.size(), data, rows, (System.nanoTime() - start) / 1e9);
    }

    /** A saved model (from {@link Settings#saveDir}) scored on {@code test}, without training. */
    public static Row scoreSaved(Path artifact, FromStartTraining.Objective objective, Settings s,
                                 List<Series> test, MinMaxNormalisation scaling) {
        LatentOdeModel model = LatentOdeModel.fromArtifact(ModelArtifacts.read(artifact));
        return score(objective, model, s.encoderStep(), s.predictiveSamples(), s.seed(), test, scaling, -1, 0,
                Double.NaN, Double.NaN, Double.NaN);
    }

    static Row score(FromStartTraining.Objective objective, LatentOdeModel model, double encoderStep,
                     int predictiveSamples, long seed, List<Series> test, MinMaxNormalisation scaling, int iterations,
                     int trainedBefore, double wall, double cpu, double loss) {
        long start = System.nanoTime();
        FromStartForecaster forecaster = new FromStartForecaster(model, encoderStep, predictiveSamples, seed);
        PaperMse interpolation = new PaperMse(scaling);
        PaperMse extrapolation = new PaperMse(scaling);
        for (Series stay : test) {
            long[] t = stay.timesMillis();
            if (t.length == 0) {
                continue;
            }
            interpolation.add(forecaster.reconstruct(t, stay.values()), stay.values());
            int context = 0;
            while (context < t.length && t[context] < CUTOFF_MILLIS) {
                context++;
            }
            if (context < t.length) {
                double[][] truth = Arrays.copyOfRange(stay.values(), context, t.length);
                extrapolation.add(forecaster.predict(Arrays.copyOf(t, context), Arrays.copyOf(stay.values(), context),
                        Arrays.copyOfRange(t, context, t.length)), truth);
            }
        }
        return new Row(objective, iterations, trainedBefore, wall, cpu, loss, interpolation, extrapolation,
                (System.nanoTime() - start) / 1e9, predictiveSamples);
    }

    private static void save(LatentOdeModel model, String tag, int iteration, Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            Path tmp = dir.resolve(tag + ".artifact.tmp");
            ModelArtifacts.write(model.toArtifact("physionet-" + tag, iteration, null, Map.of(),
                    Map.of("iterations", Integer.toString(iteration))), tmp);
            java.nio.file.Files.move(tmp, dir.resolve(tag + ".artifact"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of " + tag + " under " + dir, e);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    public static final String BEGIN = "<!-- physionet-paper:begin (generated by odestream eval physionet "
            + "--paper-protocol --report; edits inside are overwritten) -->";
    public static final String END = "<!-- physionet-paper:end -->";

    /** Replaces the paper-protocol section of a results page (e.g. docs/RESULTS.md) with this run's. */
    public static void writeSection(Path file, Result result, List<String> runLines) {
        io.odestream.eval.ReportSection.writeRun(file, BEGIN, END, PhysioNetReport.HEADING, runLines,
                markdown(result));
    }

    /** The table beside the paper's figures, and how the run was made. */
    public static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        md.append("**The paper's protocol, the paper's objective** (Rubanova et al. 2019 §4.2: encoder reads the "
                + "whole stay backwards; interpolation = reconstruct every observed value from all of them; "
                + "extrapolation = from t < 24 h, every observed value after)\n\n");
        md.append("| trained for | interp. ×10⁻³ (max units) | interp. (max − min units) | interp. (paper's averaging) "
                + "| extrap. ×10⁻³ (max units) | extrap. (max − min units) | extrap. (paper's averaging) | training |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Row row : r.rows()) {
            md.append(String.format(Locale.ROOT, "| %s%s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n",
                    row.objective().name().toLowerCase(Locale.ROOT), row.predictiveSamples() > 0
                            ? String.format(Locale.ROOT, ", predictive mean of %d draws", row.predictiveSamples())
                            : "", 1e3 * row.interpolation().pooledMax(),
                    1e3 * row.interpolation().pooledRange(), 1e3 * row.interpolation().paperAveraged(),
                    1e3 * row.extrapolation().pooledMax(), 1e3 * row.extrapolation().pooledRange(),
                    1e3 * row.extrapolation().paperAveraged(),
                    row.iterations() < 0 ? "saved model" : String.format(Locale.ROOT,
                            "%d it%s, %.0f s wall, %.0f s CPU, final loss %.4g", row.iterations(),
                            row.trainedBefore() > 0 ? String.format(Locale.ROOT, " after %d (warm start)",
                                    row.trainedBefore()) : "", row.wallSeconds(), row.cpuSeconds(), row.finalLoss())));
        }
        md.append("| paper, latent ODE (ODE enc.), 8 000 stays | ").append(PAPER_INTERPOLATION)
                .append(" | | | ").append(PAPER_EXTRAPOLATION).append(" | | | |\n\n");
        Settings s = r.settings();
        boolean trained = r.rows().stream().anyMatch(row -> row.iterations() >= 0);
        md.append(String.format(Locale.ROOT, "Data: %s; %d training stays, %d test stays. Max units: (x − min) / max "
                        + "as the paper's code scales; max − min units: the streaming table's; the paper's averaging: "
                        + "per stay and channel the mean squared error, a channel without values counting 0, averaged "
                        + "over the channels, then the stays (max units). %s: latent %d, encoder state %d, ODE "
                        + "nets %d × %d tanh units, batch %d stays, Adam lr %.4f decaying tenfold, decoder dopri5 rtol "
                        + "%.0e atol %.0e, encoder %s, time unit %.0f h, seed %d. Predictions: %s. Total %.0f s.%n",
                r.data(), r.trainStays(), r.testStays(),
                trained ? "Settings" : "Scored with the encoder step below; the sizes and training settings are the "
                        + "saved model's run's, not these defaults", s.latent(), s.hidden(), s.layers(), s.units(),
                s.batchSize(),
                s.learningRate(), s.rtol(), s.atol(),
                s.encoderStep() > 0 ? String.format(Locale.ROOT, "Euler steps of %.3g", s.encoderStep()) : "dopri5",
                s.timeUnitHours(), s.seed(), s.predictiveSamples() > 0 ? String.format(Locale.ROOT, "the mean of "
                        + "%d posterior draws of z₀ decoded (the predictive mean)", s.predictiveSamples())
                        : "z₀'s posterior mean decoded", r.totalSeconds()));
        return md.toString();
    }
}
