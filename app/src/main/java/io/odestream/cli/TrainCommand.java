package io.odestream.cli;

import io.odestream.cli.csv.CsvLayout;
import io.odestream.cli.data.TrainingData;
import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.ForecastMetrics;
import io.odestream.finetune.HeldOutForecast;
import io.odestream.finetune.TrainingWindow;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ObservationSkip;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SkipFitting;
import io.odestream.latent.WarmUpCalibration;
import io.odestream.latent.WarmUpCalibrator;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.alert.ZMoments;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import io.odestream.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code odestream train}: fits a latent ODE (ODE-RNN encoder) to irregularly sampled series and
 * writes a model artifact, with a progress line, a validation loss per epoch and early stopping.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a latent ODE on irregular series and write a model artifact (Avro).")
public final class TrainCommand implements Callable<Integer> {
    /** Held-out windows the forecast metrics are measured on, at most: bounded time on large data sets. */
    private static final int MAX_FORECAST_WINDOWS = 256;
    /** Posterior samples per held-out forecast, as in a fine-tuning round's check. */
    private static final int FORECAST_SAMPLES = 16;

    enum Format { LONG, WIDE, PHYSIONET2012 }

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, description = "a CSV file, a directory of them, or a PhysioNet set-a directory")
    Path data;

    @Option(names = "--format", defaultValue = "long", description = "long | wide | physionet2012 (default ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--out", required = true, description = "where to write the model artifact")
    Path out;

    @Option(names = "--model-id", defaultValue = "latent-ode", description = "model lineage name (default ${DEFAULT-VALUE})")
    String modelId;

    @Option(names = "--latent", defaultValue = "4", description = "latent size L (default ${DEFAULT-VALUE})")
    int latent;

    @Option(names = "--hidden", defaultValue = "16", description = "encoder state size H (default ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--units", defaultValue = "32", description = "hidden units of the dynamics networks (default ${DEFAULT-VALUE})")
    int units;

    @Option(names = "--time-unit-ms", defaultValue = "1000", description = "one model time unit in ms (default ${DEFAULT-VALUE})")
    double timeUnitMillis;

    @Option(names = "--window", defaultValue = "16", description = "observations per training window (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--split", defaultValue = "10", description = "context observations of a window (default ${DEFAULT-VALUE})")
    int split;

    @Option(names = "--batch", defaultValue = "16", description = "windows per iteration (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--epoch-iterations", defaultValue = "50", description = "iterations per epoch (default ${DEFAULT-VALUE})")
    int epochIterations;

    @Option(names = "--lr", defaultValue = "0.01", description = "initial learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--patience", defaultValue = "3", description = "epochs without validation improvement before stopping (default ${DEFAULT-VALUE})")
    int patience;

    @Option(names = "--validation", defaultValue = "0.2", description = "fraction of series held out (default ${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-stride", defaultValue = "4", description = "a spread of gaps: each training window takes "
            + "every s-th observation, s from 1 to this, so the model learns gaps and horizons up to this many times "
            + "the data's own; its measured horizon is recorded in the model, and beyond it forecasts revert to the "
            + "training data's mean and spread (default ${DEFAULT-VALUE})")
    int maxStride;

    @Option(names = "--encoder", defaultValue = "ODE_RNN", description = "ODE_RNN (an ODE between observations, "
            + "GRU at them) or RNN (a GRU with the elapsed time as input) (default ${DEFAULT-VALUE})")
    LatentOdeSpec.Encoder encoder;

    @Option(names = "--skip", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "after training, fit the observation skip (GRU-D decay toward each channel's last value and "
                    + "mean, with the model's forecast as a third input) and write it into the model, so the job "
                    + "serves it; --no-skip serves the model alone (default ${DEFAULT-VALUE})")
    boolean skip;

    @Option(names = "--warm-up-calibration", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "after training, measure the z-scores' moments per kind of score and age of a series on the "
                    + "validation series and write them into the model, so the job judges a young series by the "
                    + "largest z of a channel given the others' from its first score, at the z the validation series "
                    + "exceed at 5e-5 per event (half of 1 in 10 000); a moment judges once it holds "
                    + "1000 events (a series' first score is one event of the first age bucket: that takes 1000+ "
                    + "validation series); --no-warm-up-calibration leaves them out (default ${DEFAULT-VALUE})")
    boolean warmUpCalibration;

    /** Posterior samples per forecast while fitting and checking the skip. */
    private static final int SKIP_SAMPLES = 16;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxStride < 1) {
            throw new IllegalArgumentException("--max-stride must be >= 1, got " + maxStride);
        }
        if (window < 2 || split < 1 || split >= window) {
            throw new IllegalArgumentException("--split must be between 1 and --window − 1 (window " + window + ", split " + split + ")");
        }
        TrainingData all = switch (format) {
            case PHYSIONET2012 -> TrainingData.fromPhysioNet(data);
            case LONG, WIDE -> TrainingData.fromCsv(data, format == Format.LONG ? CsvLayout.LONG : CsvLayout.WIDE,
                    problem -> err.println("skipped: " + problem));
        };
        List<Series> shuffled = new ArrayList<>(all.series());
        Collections.shuffle(shuffled, new Random(seed));
        int held = Math.max(1, (int) Math.round(validationFraction * shuffled.size()));
        if (held >= shuffled.size()) {
            throw new IllegalArgumentException("only " + shuffled.size() + " series: nothing left to train on after "
                    + "holding out " + held + " for validation; lower --validation or add data");
        }
        List<Series> validation = shuffled.subList(0, held);
        List<Series> train = shuffled.subList(held, shuffled.size());
        out.printf(Locale.ROOT, "%d series (%d train, %d validation), %d channels: %s%n", shuffled.size(), train.size(),
                validation.size(), all.channels().size(), all.channels());
        out.flush();

        // the names are the model's data contract: the job maps named observations into this order
        LatentOdeSpec shape = LatentOdeSpec.of(all.channels().size(), latent, hidden, new int[] {units},
                new int[] {units}, timeUnitMillis).withChannelNames(all.channels());
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(window, split, batch, epochIterations,
                learningRate, 1.0, seed, maxStride);
        LatentOdeSpec normalised = LatentOdeTraining.normalisedFor(
                encoder == LatentOdeSpec.Encoder.RNN ? shape.withEncoder(encoder) : shape, train);
        LatentOdeSpec modelSpec = normalised.withHorizon(LatentOdeTraining.trainedHorizon(normalised, train, config));
        out.printf(Locale.ROOT, "windows of %d observations at strides 1..%d: trained horizon %.3g time units "
                + "(%.3g s); forecasts beyond it revert to the training data's mean and spread%n", window, maxStride,
                modelSpec.horizon(), modelSpec.horizon() * timeUnitMillis / 1000);
        out.flush();
        LatentOdeModel model = LatentOdeModel.create(modelSpec, seed);
        double best = Double.POSITIVE_INFINITY;
        double[] bestParameters = model.parameters().values().clone();
        int sinceBest = 0;
        long start = System.nanoTime();
        int epoch = 0;
        for (; epoch < epochs && sinceBest < patience; epoch++) {
            LatentOdeTraining.Config epochConfig = new LatentOdeTraining.Config(window, split, batch, epochIterations,
                    learningRate * Math.pow(0.5, epoch), 1.0, seed + epoch, maxStride);
            Trainer.Result r = LatentOdeTraining.train(model, train, epochConfig,
                    Trainer.ProgressListener.printing(line -> {
                        out.println("  " + line);
                        out.flush();
                    }, Math.max(1, epochIterations / 5)));
            double val = LatentOdeTraining.validationLoss(model, validation, config, 4, seed);
            boolean improved = val < best;
            if (improved) {
                best = val;
                bestParameters = model.parameters().values().clone();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            out.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  validation loss %.4f%s%n", epoch + 1, epochs,
                    r.finalLoss(), val, improved ? "  (best)" : "");
            out.flush();
        }
        System.arraycopy(bestParameters, 0, model.parameters().values(), 0, bestParameters.length);
        model.parametersChanged();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(FineTuneRound.HELD_OUT_ELBO, best);
        metrics.put(FineTuneRound.ELBO_KL_WEIGHT, 1.0);
        if (skip) {
            model = withFittedSkip(model, train, validation, metrics, out);
        }
        if (warmUpCalibration) {
            model = withWarmUpCalibration(model, validation, out);
        }
        metrics.putAll(heldOutForecast(model, validation, config, out)); // the served model: with its skip
        ModelArtifact artifact = model.toArtifact(modelId, 1, null, metrics,
                Map.of("data", data.toString(), "format", format.name().toLowerCase(Locale.ROOT),
                        "series", Integer.toString(train.size()), "epochs", Integer.toString(epoch)));
        ModelArtifacts.write(artifact, this.out);
        out.printf(Locale.ROOT, "%s after %d epoch(s) in %.1f s: best validation loss %.4f; wrote %s (sha256 %s)%n",
                sinceBest >= patience ? "stopped early" : "done", epoch, (System.nanoTime() - start) / 1e9, best,
                this.out, artifact.getChecksum());
        return 0;
    }

    /**
     * The model with the warm-up calibration measured on the validation series ({@link WarmUpCalibrator},
     * the default monitor settings: the feeding rule, scores below |z| 3 that raised nothing, hardly
     * depends on the policy); it says how many of the age buckets hold enough events to judge.
     */
    private static LatentOdeModel withWarmUpCalibration(LatentOdeModel model, List<Series> validation,
                                                        PrintWriter out) {
        long start = System.nanoTime();
        WarmUpCalibration calibration = WarmUpCalibrator.measure(model, validation, MonitorSettings.defaults());
        if (calibration == null) {
            out.println("no warm-up calibration: a one-channel model has no other channel to condition on, or no "
                    + "validation series has two observations");
            return model;
        }
        WarmUpMoments m = calibration.momentsFor(ScoreMode.SIGMA_POINTS);
        StringBuilder events = new StringBuilder();
        for (int b = 0; b < m.buckets().count(); b++) {
            events.append(b == 0 ? "" : ", ").append(fewestEvents(m.bucket(b)));
        }
        out.printf(Locale.ROOT, "warm-up calibration measured in %.1f s on %d validation series: per age bucket (%s) "
                + "at least %s events, all ages %d (a moment judges from %d)%n", (System.nanoTime() - start) / 1e9,
                validation.size(), m.buckets(), events, fewestEvents(m.allAges()), WarmUpMoments.MIN_EVENTS);
        if (fewestEvents(m.allAges()) < WarmUpMoments.MIN_EVENTS) {
            // the all-ages moments hold every bucket's events: when they cannot judge, none can
            out.printf(Locale.ROOT, "  none of these moments judges yet, so young series will be judged by the plain "
                    + "|z| at the policy's warmUpZ and the thresholds below go unused: only scores below |z| 3 "
                    + "are pooled, so more validation series, or a model that forecasts them better, fill them%n");
        }
        WarmUpThresholds t = calibration.thresholdsFor(ScoreMode.SIGMA_POINTS);
        StringBuilder thresholds = new StringBuilder();
        for (int b = 0; b < t.buckets().count(); b++) {
            thresholds.append(b == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", t.bucket(b)));
        }
        out.printf(Locale.ROOT, "warm-up thresholds at %s false alarms per event (sigma points): per age bucket %s, "
                + "all ages %.2f (NaN: fewer than %d events, the policy's warmUpZ instead)%n", t.falseAlarmRate(),
                thresholds, t.allAges(), WarmUpThresholds.MIN_EVENTS);
        out.flush();
        return model.withWarmUp(calibration);
    }

    private static long fewestEvents(ZMoments m) {
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < m.channels(); i++) {
            for (int j = 0; j < m.channels(); j++) {
                fewest = Math.min(fewest, m.count(i, j));
            }
        }
        return fewest;
    }

    /**
     * The held-out forecast metrics on the validation series ({@link HeldOutForecast}: disjoint
     * windows, context absorbed, horizon forecast), the numbers {@code models list} compares with
     * fine-tuned versions; none (and a line saying why) when no validation series is a window long.
     */
    private static Map<String, Double> heldOutForecast(LatentOdeModel model, List<Series> validation,
                                                       LatentOdeTraining.Config config, PrintWriter out) {
        List<TrainingWindow> windows = new ArrayList<>();
        for (int i = 0; i < validation.size() && windows.size() < MAX_FORECAST_WINDOWS; i++) {
            windows.addAll(TrainingWindow.cutAll("validation-" + i, validation.get(i), config, config.windowLength()));
        }
        if (windows.isEmpty()) {
            out.printf(Locale.ROOT, "no held-out forecast metrics: no validation series has %d observations "
                    + "(--window); models list will show this model as not comparable%n", config.windowLength());
            return Map.of();
        }
        List<TrainingWindow> used = windows.subList(0, Math.min(windows.size(), MAX_FORECAST_WINDOWS));
        ForecastMetrics m = HeldOutForecast.of(new LatentFilter(model, "train", 1), used, FORECAST_SAMPLES,
                config.seed());
        out.printf(Locale.ROOT, "held-out forecast (%d windows, %d observations): NLL/obs %.3f, MAE %.4g, "
                + "90 %% interval coverage %.2f%n", used.size(), m.observations(), m.nllPerObservation(), m.mae(),
                m.coverage90());
        return m.asMetrics("");
    }

    /**
     * The trained model with its observation skip ({@link SkipFitting}), and the one-step-ahead check on
     * the validation series in the metrics and on the console.
     */
    private LatentOdeModel withFittedSkip(LatentOdeModel model, List<Series> train, List<Series> validation,
                                          Map<String, Double> metrics, PrintWriter out) {
        long start = System.nanoTime();
        LatentFilter filter = new LatentFilter(model, modelId, 1);
        ObservationSkip fitted = SkipFitting.fit(filter, train, SKIP_SAMPLES, seed);
        SkipFitting.OneStepErrors check = SkipFitting.compare(filter, fitted, validation, SKIP_SAMPLES, seed);
        metrics.put("one_step_mse_last_value", check.lastValue());
        metrics.put("one_step_mse_model", check.modelAlone());
        metrics.put("one_step_mse_served", check.withSkip());
        out.printf(Locale.ROOT, "observation skip fitted in %.1f s (age bins up to %s ms); one step ahead on the %d "
                        + "validation series (%d values, MSE in training std²): last value %.4f, model alone %.4f, "
                        + "served with the skip %.4f%n", (System.nanoTime() - start) / 1e9,
                java.util.Arrays.toString(fitted.binEdgesMillis()), validation.size(), check.values(),
                check.lastValue(), check.modelAlone(), check.withSkip());
        out.flush();
        return model.withSkip(fitted);
    }
}
