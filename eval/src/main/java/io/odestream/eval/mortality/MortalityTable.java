package io.odestream.eval.mortality;

import io.odestream.classify.ClassifierTraining;
import io.odestream.classify.DepthClassifier;
import io.odestream.classify.OdeBlock;
import io.odestream.classify.RiskHeadSpec;
import io.odestream.classify.SoftmaxCrossEntropy;
import io.odestream.eval.TaggedProgress;
import io.odestream.eval.classify.FeatureScaling;
import io.odestream.eval.classify.HeadComparison;
import io.odestream.eval.classify.RocAuc;
import io.odestream.eval.physionet.MinMaxNormalisation;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.nn.Activation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * In-hospital mortality on PhysioNet 2012 from the per-series latent state (Rubanova et al. 2019,
 * Table 6): a latent ODE (ODE-RNN encoder) is trained on the training stays without labels, exactly
 * as {@code odestream train} would; the filter the job runs reads each stay up to 24 h and up to
 * 48 h; classifier heads — ODE-Net (adjoint and back-propagation), ANODE and a ResNet at the
 * ODE-Net's parameter budget — are trained on the training stays' hidden states and scored by AUC on
 * the test stays.
 */
public final class MortalityTable {
    static final long HOUR_MILLIS = 3_600_000L;
    /** The two cutoffs: what a streaming score knows after one day, and the paper's 48 h. */
    static final long[] CUTOFFS_MILLIS = {24 * HOUR_MILLIS, 48 * HOUR_MILLIS};

    /**
     * @param encoderIterations latent-ODE training iterations (ELBO, Adam)
     * @param encoderBatch      windows per iteration
     * @param latent            latent size
     * @param hidden            the filter's hidden size H (the heads' input)
     * @param units             hidden width of the latent ODE's dynamics networks
     * @param window            observations per training window
     * @param split             context observations of a window
     * @param timeUnitHours     one unit of model time
     * @param headIterations    Adam iterations per head
     * @param headBatch         stays per head iteration
     * @param headRate          Adam's rate for the heads
     * @param width             the heads' projected width d
     * @param odeUnits          hidden width of the ODE-Net's field
     * @param augment           ANODE's extra dimensions
     * @param resBlocks         the ResNet's blocks (their width matched to the ODE-Net's budget)
     * @param rtol              the ODE blocks' tolerances (and the latent ODE's)
     * @param atol              likewise
     */
    public record Settings(int encoderIterations, int encoderBatch, int latent, int hidden, int units, int window,
                           int split, double encoderRate, double timeUnitHours, int headIterations, int headBatch,
                           double headRate, int width, int odeUnits, int augment, int resBlocks, double rtol,
                           double atol, int every, long seed) {
        public Settings {
            if (encoderIterations < 1 || headIterations < 1 || encoderBatch < 1 || headBatch < 1 || every < 1) {
                throw new IllegalArgumentException("iterations, batches and every must be >= 1");
            }
            if (split < 1 || split >= window) {
                throw new IllegalArgumentException("split must be in [1, window), got " + split + ", " + window);
            }
        }

        /** The defaults of {@code odestream eval mortality}. */
        public static Settings defaults() {
            return new Settings(300, 20, 16, 32, 32, 40, 20, 0.01, 48.0, 1500, 64, 0.003, 16, 32, 8, 2, 1e-3, 1e-4,
                    100, 1L);
        }
    }

    /** One head at one cutoff. */
    public record Row(String cutoff, HeadComparison.Head head, double auc) {
    }

    /** @param featureFailures filter updates whose solve failed while reading the features (state kept) */
    public record Result(Settings settings, int trainStays, double trainDeathRate, int testStays,
                         double testDeathRate, List<Row> rows, double encoderSeconds, double featureSeconds,
                         long featureFailures, double totalSeconds, String splitRule) {
    }

    /** Where a run's trained model and heads go when they are kept ({@code eval mortality --save-head}). */
    public interface Export {
        /** The latent ODE whose filter read the heads' inputs, and the scaling its inputs had. */
        void model(LatentOdeModel model, MinMaxNormalisation scaling);

        /** A trained head, its spec including the z-scoring of its inputs, and its test AUC. */
        void head(String name, String cutoff, RiskHeadSpec spec, DepthClassifier classifier, double auc);
    }

    private MortalityTable() {
    }

    public static Result run(List<Series> trainStays, boolean[] trainDied, List<Series> testStays, boolean[] testDied,
                             int channels, Settings s, PrintStream progress, String splitRule) {
        return run(trainStays, trainDied, testStays, testDied, channels, s, progress, splitRule, null);
    }

    /** As the other {@code run}, handing the trained model and heads to {@code export} (null: none). */
    public static Result run(List<Series> trainStays, boolean[] trainDied, List<Series> testStays, boolean[] testDied,
                             int channels, Settings s, PrintStream progress, String splitRule, Export export) {
        long start = System.nanoTime();
        if (trainStays.size() != trainDied.length || testStays.size() != testDied.length) {
            throw new IllegalArgumentException("need one outcome per stay");
        }
        MinMaxNormalisation scaling = MinMaxNormalisation.fromTraining(trainStays, channels);
        List<Series> train = scaling.apply(trainStays);
        List<Series> test = scaling.apply(testStays);
        double[] zeros = new double[channels];
        double[] ones = new double[channels];
        Arrays.fill(ones, 1.0);
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(new LatentOdeSpec(1, channels, s.latent(), s.hidden(),
                new int[] {s.units()}, new int[] {s.units()}, Activation.TANH, s.timeUnitHours() * HOUR_MILLIS,
                "dopri5", s.rtol(), s.atol(), zeros, ones), train);
        LatentOdeModel model = LatentOdeModel.create(spec, s.seed());
        progress.printf(Locale.ROOT, "mortality: %d training stays (%.1f %% died), %d test stays (%.1f %% died); %s%n",
                train.size(), 100 * rate(trainDied), test.size(), 100 * rate(testDied), spec);
        LatentOdeTraining.train(model, train, new LatentOdeTraining.Config(s.window(), s.split(), s.encoderBatch(),
                s.encoderIterations(), s.encoderRate(), 1.0, s.seed()),
                TaggedProgress.of(progress, "latent-ode", s.every(), new int[1]));
        model.parametersChanged();
        if (export != null) {
            export.model(model, scaling);
        }
        double encoderSeconds = seconds(start);
        long featureStart = System.nanoTime();
        LatentFilter filter = new LatentFilter(model, "mortality", 1);
        long[] failures = new long[1];
        double[][] trainFeatures = FilterStateFeatures.at(filter, train, CUTOFFS_MILLIS, failures);
        double[][] testFeatures = FilterStateFeatures.at(filter, test, CUTOFFS_MILLIS, failures);
        double featureSeconds = seconds(featureStart);
        progress.printf(Locale.ROOT, "mortality: hidden states at 24 h and 48 h read in %.0f s (%d failed updates)%n",
                featureSeconds, failures[0]);
        int[] labels = labels(trainDied);
        List<Row> rows = new ArrayList<>();
        for (int c = CUTOFFS_MILLIS.length - 1; c >= 0; c--) {
            String cutoff = (CUTOFFS_MILLIS[c] / HOUR_MILLIS) + " h";
            FeatureScaling z = FeatureScaling.fromTraining(trainFeatures[c], s.hidden());
            double[] x = z.apply(trainFeatures[c]);
            double[] xTest = z.apply(testFeatures[c]);
            for (HeadSpec head : heads(s)) {
                DepthClassifier classifier = head.build(s);
                HeadComparison.Head result = HeadComparison.run(head.name + " " + cutoff, classifier, x, labels, xTest,
                        SoftmaxCrossEntropy.unweighted(2), new ClassifierTraining.Config(s.headIterations(),
                                s.headBatch(), s.headRate(), 10.0, s.seed()), progress, s.every() * 5);
                double auc = RocAuc.of(HeadComparison.column(result.probabilities(), 2, 1), testDied);
                progress.printf(Locale.ROOT, "[%s %s] AUC %.3f%n", head.name, cutoff, auc);
                rows.add(new Row(cutoff, result, auc));
                if (export != null) {
                    export.head(head.name, cutoff, head.riskSpec(s, z), classifier, auc);
                }
            }
        }
        return new Result(s, train.size(), rate(trainDied), test.size(), rate(testDied), rows, encoderSeconds,
                featureSeconds, failures[0], seconds(start), splitRule);
    }

    /** A head of the table: its name and how it is built from the settings. */
    private record HeadSpec(String name, int kind) {
        /** The spec a saved head needs to be rebuilt for inference (the gradient mode does not matter there). */
        RiskHeadSpec riskSpec(Settings s, FeatureScaling z) {
            boolean res = kind == 3;
            DepthClassifier.Shape shape = new DepthClassifier.Shape(s.hidden(), s.width(), 2);
            return new RiskHeadSpec(1, RiskHeadSpec.FILTER_HIDDEN, res ? RiskHeadSpec.RES_NET : RiskHeadSpec.ODE_NET,
                    s.hidden(), s.width(), kind == 2 ? s.augment() : 0,
                    res ? DepthClassifier.residualUnitsMatching(shape, s.odeUnits(), s.resBlocks()) : s.odeUnits(),
                    res ? s.resBlocks() : 0, s.rtol(), s.atol(), z.mean(), z.std());
        }

        DepthClassifier build(Settings s) {
            DepthClassifier.Shape shape = new DepthClassifier.Shape(s.hidden(), s.width(), 2);
            return switch (kind) {
                case 0 -> DepthClassifier.odeNet(shape, 0, s.odeUnits(), s.rtol(), s.atol(), OdeBlock.Gradient.ADJOINT,
                        s.seed());
                case 1 -> DepthClassifier.odeNet(shape, 0, s.odeUnits(), s.rtol(), s.atol(),
                        OdeBlock.Gradient.BACKPROP, s.seed());
                case 2 -> DepthClassifier.odeNet(shape, s.augment(), s.odeUnits(), s.rtol(), s.atol(),
                        OdeBlock.Gradient.ADJOINT, s.seed());
                default -> DepthClassifier.resNet(shape, s.resBlocks(),
                        DepthClassifier.residualUnitsMatching(shape, s.odeUnits(), s.resBlocks()), s.seed());
            };
        }
    }

    private static List<HeadSpec> heads(Settings s) {
        return List.of(new HeadSpec("ODE-Net (adjoint)", 0), new HeadSpec("ODE-Net (backprop)", 1),
                new HeadSpec("ANODE +" + s.augment() + " (adjoint)", 2), new HeadSpec("ResNet", 3));
    }

    /** The table beside the paper's figures. */
    public static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Training stays %d (%.1f %% died), test stays %d (%.1f %% died); %s. "
                + "Latent ODE (ODE-RNN encoder, H = %d, latent %d) trained %d iterations without labels (%.0f s); "
                + "hidden states read through the job's filter in %.0f s (%d failed updates, state kept); "
                + "heads: %d Adam iterations of %d stays, rate %g, input z-scored on the training stays.%n%n",
                r.trainStays(), 100 * r.trainDeathRate(), r.testStays(), 100 * r.testDeathRate(), r.splitRule(),
                r.settings().hidden(), r.settings().latent(), r.settings().encoderIterations(), r.encoderSeconds(),
                r.featureSeconds(), r.featureFailures(), r.settings().headIterations(), r.settings().headBatch(),
                r.settings().headRate()));
        md.append("| head | block | from the first | AUC | parameters | NFE per forward / backward (training) | NFE, "
                + "test forward | held for the gradient | allocated per iteration | samples/s |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : r.rows()) {
            HeadComparison.Head h = row.head();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %d | %.1f / %.1f | %d | %s | %s | %.0f |%n",
                    h.name().replace(" " + row.cutoff(), ""), h.description(), row.cutoff(), row.auc(), h.parameters(),
                    h.forwardNfe(), h.backwardNfe(), h.testNfe(), HeadComparison.bytes(h.heldBytes()),
                    HeadComparison.bytes(h.allocatedPerIteration()), h.samplesPerSecond()));
        }
        md.append("\nHeld for the gradient: what the block keeps between the forward and the backward pass of one "
                + "training iteration (the adjoint: the output and its augmented state; back-propagation: the solver's "
                + "tape; the ResNet: its blocks' inputs). Allocated: the thread's allocation counter over training, per "
                + "iteration (the first head's includes warm-up).\n");
        md.append("\nPublished (Rubanova et al. 2019, Table 6; 8 000 stays, first 48 h, classifier trained jointly with "
                + "the encoder): ODE-RNN 0.833 ± 0.009, latent ODE (ODE enc.) 0.829 ± 0.004, RNN-Δt 0.787 ± 0.014.\n");
        md.append(String.format(Locale.ROOT, "%nTotal wall time %.0f s.%n", r.totalSeconds()));
        return md.toString();
    }

    private static int[] labels(boolean[] died) {
        int[] y = new int[died.length];
        for (int i = 0; i < died.length; i++) {
            y[i] = died[i] ? 1 : 0;
        }
        return y;
    }

    private static double rate(boolean[] died) {
        int n = 0;
        for (boolean d : died) {
            n += d ? 1 : 0;
        }
        return died.length == 0 ? 0 : n / (double) died.length;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
