package io.odestream.demo;

import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.WarmUpCalibration;
import io.odestream.latent.WarmUpCalibrator;
import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.nn.Activation;
import io.odestream.schema.ModelArtifact;
import io.odestream.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The demo's model: a small latent ODE (3 channels, latent 6, encoder state 20, dynamics MLPs one
 * hidden layer of 32, time unit 1 s, dopri5 at rtol 1e-3 / atol 1e-4) trained on an anomaly-free
 * {@link DemoStream} whose seed differs from the demo's stream, so the demo forecasts and scores data
 * the model never saw.
 *
 * <p>The bundled artifact {@value #RESOURCE} is regenerated from the repository root with (training
 * 800 iterations of batch 64 took 390–477 s at the lowest priority on a 2-core machine running a
 * test build, plus about a minute of checks; two runs gave the same parameters, checksum and all)
 * <pre>
 *   mvn -pl app -am package -DskipTests
 *   java --add-modules jdk.incubator.vector -cp app/target/odestream.jar io.odestream.demo.DemoModel \
 *       demo/src/main/resources/demo/demo-model.avro
 * </pre>
 * which trains {@link #BUNDLED_ITERATIONS} iterations on {@link #trainingConfig()}, measures the
 * warm-up calibration it ships ({@link #calibrated}) and writes the file. The calibration alone, over
 * an artifact already trained (its parameters kept; about a minute instead of the training's minutes):
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp app/target/odestream.jar io.odestream.demo.DemoModel \
 *       --calibrate TRAINED.avro demo/src/main/resources/demo/demo-model.avro
 * </pre>
 * The Vector API kernels are part of the recipe: without {@code --add-modules jdk.incubator.vector}
 * the plain loops round differently (parameters 1e-14 apart after 30 iterations), which a long
 * training turns into another model.
 */
public final class DemoModel {
    public static final String MODEL_ID = "demo-sensors";
    public static final long VERSION = 1;
    /** Classpath location of the bundled artifact. */
    public static final String RESOURCE = "/demo/demo-model.avro";
    /** Training iterations of the bundled artifact. */
    public static final int BUNDLED_ITERATIONS = 800;

    static final int LATENT = 6;
    static final int HIDDEN = 20;
    static final int UNITS = 32;
    /** One model time unit is one second: the stream's gaps (about 1 s) are O(1) in model time. */
    static final double TIME_UNIT_MILLIS = 1000.0;
    /**
     * Loose tolerances: the data's noise (σ 0.2 against signals of about 1) dwarfs a 1e-3 solver
     * error, and every per-event update and score pays for each step.
     */
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-4;
    static final long MODEL_SEED = 17;
    /**
     * Training windows: 16 observations, the first 10 encoded, the last 6 predicted; 64 windows a
     * batch. (Measured: longer horizons, 12 predicted, trained to worse one-step forecasts in the
     * same budget. More iterations make the learnt dynamics stiffer, which every event of the job
     * pays for in solver evaluations: batch 16 for 2 400 or 4 800 iterations cost 24 % or 77 % more
     * per event than for 800, batch 32 for 1 600 9 % more; batch 64 for 800 forecasts better than
     * batch 16 for 800, validation one-step MAE 0.113 against 0.118, at 2 % fewer evaluations. See
     * bench/README.md, "Cold start".)
     */
    static final int WINDOW = 16;
    static final int SPLIT = 10;
    static final int BATCH = 64;
    static final double LEARNING_RATE = 0.01;
    /**
     * β of the KL term. With β = 1 the posterior collapsed towards the prior (a sharp posterior cost
     * more KL than the 6-step horizon's likelihood gained) and the learned noise absorbed the misfit:
     * one-step forecasts worse than the last value. β = 0.1 keeps the posterior sharp, which is
     * what a filter that forecasts and scores the next event needs.
     */
    static final double KL_WEIGHT = 0.1;
    /** Validation: a small anomaly-free stream with yet another seed. */
    static final int VALIDATION_BATCHES = 8;
    static final long VALIDATION_SEED = 99;
    static final int VALIDATION_SAMPLES = 16;
    /** Forecast every 8th validation event: a few hundred forecasts are enough for the MAE metric. */
    static final int VALIDATION_FORECAST_STRIDE = 8;
    /**
     * The warm-up calibration's series ({@link #calibrationConfig()}): the validation stream's generator
     * and seed, as many series as it takes for a series' first score (one per series) to hold more than
     * {@link io.odestream.alert.WarmUpMoments#MIN_EVENTS} events for every pair of channels (a pair is
     * observed together at ~72 % of events), each as long as the demo policy's warm-up (100 scores).
     */
    static final int CALIBRATION_SERIES = 2_000;
    static final Duration CALIBRATION_SPAN = Duration.ofSeconds(100);

    private DemoModel() {
    }

    /**
     * The data the bundled model is trained on: the demo's defaults without anomalies, 24 series of
     * 20 minutes, seed 7 (the demo's default stream uses another seed).
     */
    public static DemoStream.Config trainingConfig() {
        return DemoStream.Config.defaults().withSeries(24).withSpan(Duration.ofMinutes(20)).withAnomaliesPerSeries(0)
                .withSeed(7);
    }

    /**
     * Trains the demo model on {@code data} (its anomalous values, if any, are left out) for
     * {@code iterations} Adam iterations and returns artifact {@value #MODEL_ID} version 1, with
     * training and validation loss and the training time as metrics and the data's recipe as lineage.
     */
    public static ModelArtifact train(DemoStream data, int iterations, Trainer.ProgressListener progress) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        if (progress == null) {
            throw new IllegalArgumentException("progress is required; pass Trainer.ProgressListener.silent() for none");
        }
        int channels = data.config().channels();
        List<LatentOdeTraining.Series> series = data.trainingSeries();
        LatentOdeSpec architecture = new LatentOdeSpec(1, channels, LATENT, HIDDEN, new int[] {UNITS},
                new int[] {UNITS}, Activation.TANH, TIME_UNIT_MILLIS, "dopri5", RTOL, ATOL, new double[channels],
                ones(channels));
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(architecture, series);
        LatentOdeModel model = LatentOdeModel.create(spec, MODEL_SEED);
        LatentOdeTraining.Config config = new LatentOdeTraining.Config(WINDOW, SPLIT, BATCH, iterations, LEARNING_RATE,
                KL_WEIGHT, data.config().seed() ^ MODEL_SEED);
        Trainer.Result result = LatentOdeTraining.train(model, series, config, progress);

        DemoStream.Config validationConfig = data.config().withSeed(data.config().seed() + VALIDATION_SEED)
                .withAnomaliesPerSeries(0).withSeries(Math.min(4, data.config().series()))
                .withSpan(Duration.ofMinutes(5)).withWarmup(Duration.ofMinutes(1));
        DemoStream validationStream = DemoStream.generate(validationConfig);
        double validation = LatentOdeTraining.validationLoss(model, validationStream.trainingSeries(), config,
                VALIDATION_BATCHES, VALIDATION_SEED);

        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_loss", tailMean(result.losses(), Math.max(1, iterations / 20)));
        metrics.put("validation_loss", validation);
        metrics.put("training_seconds", result.seconds());
        metrics.put("iterations", (double) iterations);
        ModelArtifact unmeasured = model.toArtifact(MODEL_ID, VERSION, null, metrics, Map.of());
        DemoEvaluation.Result check = DemoEvaluation.replay(unmeasured, validationStream, VALIDATION_SAMPLES,
                VALIDATION_FORECAST_STRIDE);
        metrics.put("validation_one_step_mae", check.forecastMae());
        metrics.put("validation_last_value_mae", check.lastValueMae());
        DemoStream.Config d = data.config();
        Map<String, String> lineage = new LinkedHashMap<>();
        lineage.put("trainer", DemoModel.class.getName());
        lineage.put("data", String.format(Locale.ROOT, "%s: %d series x %d channels, span %s, mean gap %s, "
                        + "missing %.2f, noise %.3g, seed %d, anomalous values left out", DemoStream.class.getName(),
                d.series(), d.channels(), d.span(), d.meanGap(), d.missingProbability(), d.noiseSigma(), d.seed()));
        lineage.put("validation_data", String.format(Locale.ROOT, "the same generator: %d series, span %s, seed %d, "
                + "no anomalies", validationConfig.series(), validationConfig.span(), validationConfig.seed()));
        lineage.put("training", String.format(Locale.ROOT, "window %d, split %d, batch %d, lr %.3g, kl weight %.2g, "
                + "model seed %d", WINDOW, SPLIT, BATCH, LEARNING_RATE, KL_WEIGHT, MODEL_SEED));
        return model.toArtifact(MODEL_ID, VERSION, null, metrics, lineage);
    }

    /**
     * The series the warm-up calibration is measured on: the validation data's generator and seed
     * ({@link #trainingConfig()}'s seed + {@value #VALIDATION_SEED}), anomaly-free, {@value #CALIBRATION_SERIES}
     * series of {@link #CALIBRATION_SPAN}. Neither the demo's stream nor the benchmarks' streams.
     */
    static DemoStream.Config calibrationConfig() {
        DemoStream.Config training = trainingConfig();
        return training.withSeed(training.seed() + VALIDATION_SEED).withAnomaliesPerSeries(0)
                .withWarmup(Duration.ZERO).withSeries(CALIBRATION_SERIES).withSpan(CALIBRATION_SPAN);
    }

    /**
     * The artifact with its warm-up calibration ({@link WarmUpCalibrator}) measured on
     * {@link #calibrationConfig()}'s series under the demo's monitor settings: the same parameters,
     * metrics and lineage, the moments and warm-up thresholds in its spec (so a new checksum) and the calibration's recipe in
     * its lineage. Deterministic: the same artifact gives the same result.
     */
    public static ModelArtifact calibrated(ModelArtifact trained) {
        LatentOdeModel model = LatentOdeModel.fromArtifact(trained);
        DemoStream.Config c = calibrationConfig();
        WarmUpCalibration calibration = WarmUpCalibrator.measure(model, DemoStream.generate(c).trainingSeries(),
                DemoSetup.monitorSettings());
        Map<String, Double> metrics = new LinkedHashMap<>();
        trained.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
        Map<String, String> lineage = new LinkedHashMap<>();
        trained.getLineage().forEach((k, v) -> lineage.put(k.toString(), v.toString()));
        lineage.put("warm_up_calibration", String.format(Locale.ROOT, "%s on the validation data's generator: %d "
                + "series, span %s, seed %d, no anomalies; the demo's monitor settings", WarmUpCalibrator.class
                .getName(), c.series(), c.span(), c.seed()));
        return model.withWarmUp(calibration).toArtifact(trained.getModelId(), trained.getVersion(),
                trained.getParentVersion(), metrics, lineage);
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        return v;
    }

    /** Mean of the last {@code n} losses: one minibatch's loss is noisy. */
    private static double tailMean(double[] losses, int n) {
        double sum = 0;
        for (int i = losses.length - n; i < losses.length; i++) {
            sum += losses[i];
        }
        return sum / n;
    }

    /**
     * The bundled artifact from the classpath resource {@value #RESOURCE}, checksum verified and
     * checked to be a loadable latent ODE.
     *
     * @throws InvalidArtifactException when it is missing, unreadable or corrupt (the message says how to regenerate it)
     */
    public static ModelArtifact bundled() {
        try (InputStream in = DemoModel.class.getResourceAsStream(RESOURCE)) {
            return read(in, "the bundled demo model " + RESOURCE);
        } catch (IOException e) {
            throw new InvalidArtifactException("the bundled demo model " + RESOURCE + " could not be read ("
                    + e.getMessage() + "); " + regenerateHint(), e);
        }
    }

    /** One artifact from an Avro container stream (null: missing), checked like {@link #bundled()}. */
    static ModelArtifact read(InputStream in, String source) {
        if (in == null) {
            throw new InvalidArtifactException(source + " is not on the classpath; " + regenerateHint());
        }
        try (DataFileStream<ModelArtifact> reader = new DataFileStream<>(in,
                new SpecificDatumReader<>(ModelArtifact.class))) {
            if (!reader.hasNext()) {
                throw new InvalidArtifactException(source + " holds no artifact");
            }
            ModelArtifact artifact = reader.next();
            ModelArtifacts.verifyChecksum(artifact, source);
            LatentOdeModel.fromArtifact(artifact);
            return artifact;
        } catch (InvalidArtifactException e) {
            throw new InvalidArtifactException(e.getMessage() + "; " + regenerateHint(), e);
        } catch (IOException | RuntimeException e) {
            throw new InvalidArtifactException(source + " is not a readable model artifact (" + e.getMessage()
                    + "); " + regenerateHint(), e);
        }
    }

    private static int parseIterations(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String regenerateHint() {
        return "regenerate it with `java --add-modules jdk.incubator.vector -cp app/target/odestream.jar "
                + DemoModel.class.getName() + " demo/src/main/resources" + RESOURCE + "` and rebuild";
    }

    /**
     * Trains the bundled model on {@link #trainingConfig()} and writes it.
     *
     * @param args the output file, and optionally the iteration count (default {@value #BUNDLED_ITERATIONS})
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--calibrate")) {
            ModelArtifact artifact = calibrated(ModelArtifacts.read(Path.of(args[1])));
            Path out = Path.of(args[2]);
            ModelArtifacts.write(artifact, out);
            System.out.printf(Locale.ROOT, "wrote %s (%s v%d, sha256 %s), %s%n", out, artifact.getModelId(),
                    artifact.getVersion(), artifact.getChecksum(), LatentOdeSpec.fromJson(artifact.getSpecJson()).warmUp());
            return;
        }
        int iterations = args.length == 2 ? parseIterations(args[1]) : BUNDLED_ITERATIONS;
        if (args.length < 1 || args.length > 2 || iterations < 1) {
            System.err.println("usage: java --add-modules jdk.incubator.vector -cp app/target/odestream.jar "
                    + DemoModel.class.getName() + " OUTPUT.avro [ITERATIONS >= 1, default " + BUNDLED_ITERATIONS
                    + "]   (the bundled one: demo/src/main/resources" + RESOURCE + ")\n   or: ... "
                    + DemoModel.class.getName() + " --calibrate TRAINED.avro OUTPUT.avro   (the warm-up calibration "
                    + "over a trained artifact, its parameters kept)");
            System.exit(2);
        }
        DemoStream data = DemoStream.generate(trainingConfig());
        System.out.printf(Locale.ROOT, "training %s on %d observations of %d series, %d iterations%n", MODEL_ID,
                data.size(), data.seriesIds().size(), iterations);
        ModelArtifact artifact = calibrated(train(data, iterations, Trainer.ProgressListener.printing(
                System.out::println, Math.max(1, iterations / 12))));
        DemoEvaluation.Result check = DemoEvaluation.replay(artifact, DemoStream.generate(DemoStream.Config.defaults()),
                VALIDATION_SAMPLES, VALIDATION_FORECAST_STRIDE);
        double threshold = check.normalQuantile(0.99);
        System.out.printf(Locale.ROOT, "on the demo's default stream: one-step forecast MAE %.4f (last value %.4f); "
                        + "at the normal events' 99th score percentile %.2f, %.0f%% of the %d injected anomalies "
                        + "score above; update %.0f us, score %.0f us, predict %.0f us (%d samples)%n",
                check.forecastMae(), check.lastValueMae(), threshold, 100 * check.recall(threshold),
                check.anomalyScores().size(), check.updateMicros(), check.scoreMicros(), check.predictMicros(),
                VALIDATION_SAMPLES);
        Path out = Path.of(args[0]);
        ModelArtifacts.write(artifact, out);
        System.out.printf(Locale.ROOT, "wrote %s (%s v%d, sha256 %s), metrics %s%n", out, MODEL_ID, VERSION,
                artifact.getChecksum(), artifact.getMetrics());
    }
}
