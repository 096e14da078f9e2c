package io.odestream.cli;

import io.odestream.demo.DemoEvaluation;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.flow.ResidualFlowScorer;
import io.odestream.schema.ModelArtifact;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code odestream eval cnf-demo}: the flow anomaly scorer against the Gaussian score on the demo's
 * stream, with the bundled demo model and the job's per-series step.
 */
@Command(name = "cnf-demo", mixinStandardHelpOptions = true,
        description = {"Trains the flow anomaly scorer (a conditional CNF over the standardised residuals, given the "
                + "log gap) on the residuals of a separate demo stream without anomalies (another seed), then replays "
                + "the demo's default stream with the Gaussian score and with the flow's, and prints the share of "
                + "injected anomalies scoring above the normal events' 99th and 99.9th percentiles.",
            "Writes the trained scorer to --out FILE when given."})
final class CnfDemoCommand implements Callable<Integer> {
    private static final int SAMPLES = 16;
    private static final int NO_FORECASTS = Integer.MAX_VALUE;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the trained scorer.")
    Path out;

    @Option(names = "--hidden", defaultValue = "32", description = "Hidden tanh units (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--iterations", defaultValue = "500", description = "Adam steps (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--train-seed", defaultValue = "20240102", description = "Seed of the training stream (default "
            + "${DEFAULT-VALUE}; the evaluated stream is the demo's own, seed 20240101).")
    long trainSeed;

    @Override
    public Integer call() {
        PrintWriter console = spec.commandLine().getOut();
        ModelArtifact model = DemoModel.bundled();
        DemoStream.Config evaluated = DemoStream.Config.defaults();
        DemoStream training = DemoStream.generate(evaluated.withSeed(trainSeed).withAnomaliesPerSeries(0));
        int channels = evaluated.channels();
        double[][] residuals = {new double[1024 * channels]};
        long[][] gaps = {new long[1024]};
        int[] count = {0};
        DemoEvaluation.replay(model, training, SAMPLES, NO_FORECASTS, null, (z, gap) -> {
            if (count[0] == gaps[0].length) {
                residuals[0] = Arrays.copyOf(residuals[0], 2 * residuals[0].length);
                gaps[0] = Arrays.copyOf(gaps[0], 2 * gaps[0].length);
            }
            System.arraycopy(z, 0, residuals[0], count[0] * channels, channels);
            gaps[0][count[0]++] = gap;
        });
        System.err.printf(Locale.ROOT, "training the flow scorer on %d residual vectors of the training stream%n",
                count[0]);
        long started = System.nanoTime();
        ResidualFlowScorer scorer = ResidualFlowScorer.fit(residuals[0], gaps[0], count[0], channels, hidden,
                iterations, 1, (i, loss) -> {
                    if ((i + 1) % Math.max(1, iterations / 10) == 0) {
                        System.err.printf(Locale.ROOT, "step %d/%d, batch NLL %.3f%n", i + 1, iterations, loss);
                    }
                });
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        DemoStream stream = DemoStream.generate(evaluated);
        DemoEvaluation.Result gaussian = DemoEvaluation.replay(model, stream, SAMPLES, NO_FORECASTS, null,
                (z, gap) -> { });
        DemoEvaluation.Result flow = DemoEvaluation.replay(model, stream, SAMPLES, NO_FORECASTS, scorer,
                (z, gap) -> { });
        console.printf(Locale.ROOT, "flow scorer: %d hidden units, %d Adam steps on %d residual vectors (%.0f s)%n",
                hidden, iterations, count[0], trainSeconds);
        console.println("| scorer | anomalies above normal p99 | above normal p99.9 | normal events |");
        console.println("|---|---:|---:|---:|");
        row(console, "gaussian", gaussian);
        row(console, "cnf", flow);
        console.flush();
        if (out != null) {
            try (OutputStream file = Files.newOutputStream(out)) {
                scorer.write(file);
            } catch (IOException e) {
                throw new CommandFailedException(out + ": cannot write the scorer (" + e.getMessage() + ")", e);
            }
        }
        return 0;
    }

    private static void row(PrintWriter console, String name, DemoEvaluation.Result r) {
        int anomalies = r.anomalyScores().size();
        double p99 = r.normalQuantile(0.99);
        double p999 = r.normalQuantile(0.999);
        console.printf(Locale.ROOT, "| %s | %.0f %% (%d of %d) | %.0f %% (%d of %d) | %d |%n", name,
                100 * r.recall(p99), Math.round(r.recall(p99) * anomalies), anomalies, 100 * r.recall(p999),
                Math.round(r.recall(p999) * anomalies), anomalies, r.normalScores().length);
    }
}
